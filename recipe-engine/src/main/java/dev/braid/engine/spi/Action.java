package dev.braid.engine.spi;

import java.util.List;

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

    /**
     * Checks a step's {@code with:} against the connection it names, when the recipe is saved (or validated):
     * what the input schema alone cannot know, such as whether an {@code openapi.call}'s operation exists in
     * that connection's document. Values are as written: a string containing {@code {{} is a template, known only
     * when the step runs, and is left to {@link #execute}. Empty (the default) when nothing is wrong or the action
     * has nothing to check.
     *
     * @param with       the step's {@code with:} block as written (an empty object when it has none)
     * @param connection the connection's settings without its secret fields
     */
    default List<InputProblem> check(JsonNode with, JsonNode connection) {
        return List.of();
    }

    ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException;
}
