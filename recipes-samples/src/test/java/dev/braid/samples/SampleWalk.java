package dev.braid.samples;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Walks a sample recipe in memory with the engine's real expression evaluator and the documented
 * outputs of the in-process actions ({@code core.transform -> {value}}, {@code core.log -> {message,
 * level}}), so the samples' expressions are exercised against a realistic trigger without a server.
 * It is a reading aid for the samples, not the engine: no retries, no persistence, no connectors
 * that leave the process. The app's integration tests run the samples through the real executor.
 */
final class SampleWalk {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Expressions expressions = Expressions.withDefaults();
    private final Map<String, JsonNode> outputsByPath = new LinkedHashMap<>();
    private JsonNode runOutput;
    private boolean ended;
    private String failure;

    record Result(JsonNode output, String failure, Map<String, JsonNode> outputsByPath) {}

    static Result run(JsonNode recipe, JsonNode trigger) {
        SampleWalk walk = new SampleWalk();
        ObjectNode context = NODES.objectNode();
        context.set("trigger", trigger);
        context.set("steps", NODES.objectNode());
        context.set("run", NODES.objectNode()
                .put("id", "00000000-0000-7000-8000-000000000001")
                .put("recipe", recipe.path("slug").asString())
                .put("attempt", 1));
        context.set("secrets", NODES.objectNode());
        JsonNode last = walk.steps(recipe.path("steps"), "", context);
        JsonNode output = walk.runOutput != null ? walk.runOutput : last;
        return new Result(output, walk.failure, walk.outputsByPath);
    }

    /** Runs a list of steps; answers the output of the last one that ran. */
    private JsonNode steps(JsonNode list, String prefix, ObjectNode context) {
        JsonNode last = null;
        for (JsonNode step : list.values()) {
            if (ended) {
                break;
            }
            String id = step.path("id").asString();
            String path = prefix + id;
            JsonNode output = step(step, path, context);
            if (output != null) {
                ((ObjectNode) context.get("steps")).set(id, NODES.objectNode().set("output", output));
                outputsByPath.put(path, output);
                last = output;
            }
        }
        return last;
    }

    private JsonNode step(JsonNode step, String path, ObjectNode context) {
        if (step.has("action")) {
            JsonNode input = expressions.render(step.path("with"), context);
            return switch (step.path("action").asString()) {
                case "core.transform" -> NODES.objectNode().set("value", input.path("value").isMissingNode()
                        ? NODES.nullNode() : input.get("value"));
                case "core.log" -> NODES.objectNode()
                        .put("message", input.path("message").asString())
                        .put("level", input.path("level").asString("info"));
                default -> throw new IllegalArgumentException(
                        path + ": the walk runs only in-process actions, not " + step.path("action").asString());
            };
        }
        if (step.has("if")) {
            boolean then = expressions.test(step.path("if").asString(), context);
            steps(step.path(then ? "then" : "else"), path + ".", context);
            return NODES.objectNode().put("branch", then ? "then" : "else");
        }
        if (step.has("foreach")) {
            JsonNode items = expressions.evaluate(step.path("foreach").asString(), context);
            ArrayNode list = items.isArray() ? (ArrayNode) items : NODES.arrayNode();
            if (!items.isArray() && !items.isMissingNode() && !items.isNull()) {
                list.add(items);
            }
            String as = step.path("as").asString("item");
            ArrayNode outputs = NODES.arrayNode();
            for (int i = 0; i < list.size() && !ended; i++) {
                ObjectNode iteration = context.deepCopy();
                iteration.set("item", list.get(i));
                iteration.set(as, list.get(i));
                JsonNode last = steps(step.path("steps"), path + "[" + i + "].", iteration);
                outputs.add(last == null ? NODES.nullNode() : last);
            }
            return outputs;
        }
        if (step.has("stop")) {
            JsonNode template = step.path("stop").path("output");
            runOutput = template.isMissingNode() ? NODES.nullNode() : expressions.render(template, context);
            ended = true;
            return runOutput;
        }
        if (step.has("fail")) {
            failure = expressions.render(step.path("fail").path("message"), context).asString();
            ended = true;
            return null;
        }
        throw new IllegalArgumentException(path + ": unknown step kind " + step);
    }
}
