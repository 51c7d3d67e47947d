package dev.braid.engine.run;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What expressions see while the steps of one level run: {@code {trigger, steps: {<id>: {output}},
 * item, <as>, run: {id, recipe, attempt}, secrets}}. A foreach iteration gets its own copy so that
 * its steps are visible inside it (and to parallel siblings not at all), while the level above only
 * sees the foreach's own output.
 *
 * <p>Not thread-safe: each scope is used by one thread at a time; the parent of a parallel foreach is
 * left untouched until its iterations have finished.
 */
final class Scope {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode trigger;
    private final JsonNode run;
    private final JsonNode secrets;
    private final ObjectNode steps;
    private final ObjectNode variables;

    private Scope(JsonNode trigger, JsonNode run, JsonNode secrets, ObjectNode steps, ObjectNode variables) {
        this.trigger = trigger;
        this.run = run;
        this.secrets = secrets;
        this.steps = steps;
        this.variables = variables;
    }

    static Scope root(RunRequest request) {
        ObjectNode run = NODES.objectNode();
        run.put("id", request.runId());
        run.put("recipe", request.recipe().slug());
        run.put("attempt", request.attempt());
        return new Scope(
                TriggerContext.of(request.trigger()),
                run,
                request.secrets() == null ? NODES.objectNode() : request.secrets(),
                NODES.objectNode(),
                NODES.objectNode());
    }

    /** The scope of one foreach iteration: everything visible here, plus {@code item} and the {@code as} name. */
    Scope iteration(String as, JsonNode item) {
        ObjectNode innerSteps = NODES.objectNode();
        innerSteps.setAll(steps);
        ObjectNode innerVariables = NODES.objectNode();
        innerVariables.setAll(variables);
        innerVariables.set("item", item);
        innerVariables.set(as, item);
        return new Scope(trigger, run, secrets, innerSteps, innerVariables);
    }

    /** Makes a finished step's output visible as {@code steps.<id>.output}. */
    void put(String stepId, JsonNode output) {
        ObjectNode entry = NODES.objectNode();
        entry.set("output", output);
        steps.set(stepId, entry);
    }

    /** The evaluation context as JSON. Variables go first so that an {@code as} name can never hide {@code trigger}, {@code steps}, {@code run} or {@code secrets}. */
    JsonNode context() {
        ObjectNode context = NODES.objectNode();
        context.setAll(variables);
        context.set("trigger", trigger);
        context.set("steps", steps);
        context.set("run", run);
        context.set("secrets", secrets);
        return context;
    }
}
