package dev.braid.engine.spi;

import tools.jackson.databind.JsonNode;

/**
 * One operation of a connector. {@code execute} receives the step's {@code with:} block with every
 * expression already evaluated and answers the step's output.
 *
 * <pre>{@code
 * public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
 *   ctx.log().info(input.path("message").asString());
 *   return ActionResult.of(JsonNodeFactory.instance.objectNode().put("logged", true));
 * }
 * }</pre>
 */
public interface Action {

    /** JSON Schema of the {@code with:} block. */
    JsonNode inputSchema();

    /**
     * {@code true} when the action has no effect outside the run (a transformation, a log line). Pure
     * steps may be checkpointed together with the next side-effecting step, and run in a dry run.
     */
    default boolean pure() {
        return false;
    }

    /**
     * {@code true} when {@link #execute} honours {@link ActionContext#dryRun()}: it then sends nothing and answers
     * exactly what it would have sent (an HTTP request's method, URL, headers with credentials masked, body; a
     * statement with its bound parameters; records; a mail's envelope), which a dry run shows as the step's
     * {@code request}. {@code false} (the default, safe for an action written before dry runs asked): a dry run
     * never calls the action and shows only its input.
     */
    default boolean describesDryRun() {
        return false;
    }

    default String description() {
        return "";
    }

    /**
     * A typical {@code with:} block for the catalogue, shown to recipe authors; null when the action
     * has none to offer.
     */
    default JsonNode example() {
        return null;
    }

    ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException;
}
