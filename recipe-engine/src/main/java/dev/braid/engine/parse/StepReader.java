package dev.braid.engine.parse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.RetrySpec;
import dev.braid.engine.model.Step;
import dev.braid.engine.parse.Positions.Position;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Reads and checks steps (ARCHITECTURE §2) wherever they are: {@code steps}, {@code then}, {@code else}
 * and a foreach's {@code steps}. Ids are unique across the whole recipe, nested steps included,
 * because a step's path and its output ({@code steps.<id>.output}) are named by them.
 */
final class StepReader {

    static final List<String> KINDS = List.of("action", "if", "foreach", "call", "stop", "fail");

    private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Names of the evaluation context a foreach variable must not hide. */
    private static final Set<String> CONTEXT_NAMES = Set.of("trigger", "steps", "run", "secrets");

    private static final List<String> COMMON = List.of("id", "name", "description");
    private static final Map<String, List<String>> FIELDS = Map.of(
            "action", fields("action", "connection", "with", "retry", "timeout", "onError"),
            "if", fields("if", "then", "else"),
            "foreach", fields("foreach", "as", "chunk", "parallel", "steps"),
            "call", fields("call", "with", "timeout", "onError"),
            "stop", fields("stop"),
            "fail", fields("fail"));
    private static final List<String> ALL_FIELDS = KINDS.stream().flatMap(k -> FIELDS.get(k).stream()).distinct().toList();

    private final Problems problems;
    private final Expressions expressions;
    private final Actions actions;
    private final RecipeReader.RetryReader retries;
    private final Map<String, Position> ids = new HashMap<>();
    /** Where each step (by id) starts in the source: the studio's graph points its nodes there. */
    private final Map<String, Position> starts = new java.util.LinkedHashMap<>();
    private final ConnectionTypes connections;

    StepReader(Problems problems, Expressions expressions, Actions actions, RecipeReader.RetryReader retries,
               ConnectionTypes connections) {
        this.problems = problems;
        this.connections = connections;
        this.expressions = expressions;
        this.actions = actions;
        this.retries = retries;
    }

    /** Where each step read so far starts, by id. */
    Map<String, Position> starts() {
        return starts;
    }

    /**
     * The steps of list {@code name} of {@code owner}; an empty list when absent or wrong (reported
     * when {@code required}, or when {@code nonEmpty} and empty).
     */
    List<Step> list(Fields owner, String name, boolean required, boolean nonEmpty, String hint) {
        if (!owner.has(name)) {
            if (required) {
                owner.missing(name, hint);
            }
            return List.of();
        }
        ArrayNode items = owner.list(name);
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty() && nonEmpty) {
            owner.problem(name, "'" + name + "' is empty; " + hint);
        }
        List<Step> steps = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Step step = step(items.get(i), Positions.index(owner.path(name), i));
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private Step step(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.atValue(path, "Each step must be a mapping with an 'id' and one of " + String.join(", ", KINDS)
                    + "; found " + Fields.found(node));
            return null;
        }
        Fields f = new Fields(node, path, problems, expressions);
        String id = id(f);
        if (id != null) {
            starts.put(id, problems.positions().ofValue(path));
        }
        List<String> kinds = KINDS.stream().filter(k -> f.node().has(k)).toList();
        if (kinds.size() != 1) {
            problems.atValue(path, "A step must have exactly one of " + String.join(", ", KINDS) + "; found "
                    + (kinds.isEmpty() ? "none" : kinds.size() + ": " + String.join(", ", kinds)));
            if (kinds.isEmpty()) {
                f.allowOnly(ALL_FIELDS);
            }
            return null;
        }
        String kind = kinds.getFirst();
        List<String> allowed = FIELDS.get(kind);
        f.allowOnly(allowed, name -> belongsElsewhere(name, kind));
        f.text("name");
        f.text("description");
        Step step = switch (kind) {
            case "action" -> action(f, id);
            case "if" -> ifStep(f, id);
            case "foreach" -> foreach(f, id);
            case "call" -> call(f, id);
            case "stop" -> stop(f, id);
            default -> fail(f, id);
        };
        return id == null ? null : step;
    }

    private String id(Fields f) {
        if (!f.has("id")) {
            f.missing("id", "every step needs an id that is unique in the recipe, e.g. id: lookup");
            return null;
        }
        JsonNode v = f.get("id");
        String id = v.isString() ? v.asString() : null;
        if (id == null || !ID.matcher(id).matches()) {
            f.problem("id", "Step id " + Fields.found(v) + " is not valid; use letters, digits and '_', starting with a letter "
                    + "or '_', at most 64 characters (e.g. lookupCustomer)");
            return null;
        }
        Position here = problems.positions().ofValue(f.path("id"));
        Position first = ids.putIfAbsent(id, here);
        if (first != null) {
            f.problem("id", "Duplicate step id '" + id + "' (first used at line " + first.line()
                    + "); step ids must be unique in a recipe");
            return null;
        }
        return id;
    }

    private Step.ActionStep action(Fields f, String id) {
        String action = f.text("action");
        if (action != null) {
            actions.check(action, f.path("action"), problems);
        }
        String connection = f.text("connection");
        JsonNode with = f.get("with");
        if (with != null && !with.isObject()) {
            f.problem("with", "'with' must be a mapping of the action's inputs; found " + Fields.found(with));
            with = null;
        } else {
            f.templates("with");
        }
        if (action != null && actions.problem(action) == null) {
            requiredInputs(f, action, with);
            if (connection != null && connections != null && connectionType(f, action, connection)) {
                checkAgainstConnection(f, action, connection, with);
            } else if (connections != null) {
                connections.defaultConnectionProblem(action.substring(0, action.indexOf('.')))
                        .ifPresent(why -> f.problem("action", "Action '" + action + "' without 'connection:' uses Braid's own "
                                + "connection, which this server does not have: " + why));
            }
        }
        RetrySpec retry = retries.read(f.object("retry"));
        Duration timeout = f.duration("timeout", false);
        String onError = f.choice("onError", List.of("fail", "continue"));
        return new Step.ActionStep(id, action, connection, with != null ? with : JsonNodeFactory.instance.objectNode(),
                retry, timeout, "continue".equals(onError));
    }

    /** {@code call: <slug>}: the called recipe is looked up when the step runs (it may be created later). */
    private Step.CallStep call(Fields f, String id) {
        String recipe = f.text("call");
        if (recipe != null && !SLUG.matcher(recipe).matches()) {
            f.problem("call", "'call' names the recipe to start by its slug (lower-case letters, digits and '-', "
                    + "at most 64 characters); found '" + recipe + "'");
        }
        JsonNode with = f.get("with");
        if (with != null && !with.isObject()) {
            f.problem("with", "'with' must be a mapping: it becomes the called recipe's trigger body; found " + Fields.found(with));
            with = null;
        } else {
            f.templates("with");
        }
        Duration timeout = f.duration("timeout", false);
        String onError = f.choice("onError", List.of("fail", "continue"));
        return new Step.CallStep(id, recipe, with != null ? with : JsonNodeFactory.instance.objectNode(), timeout,
                "continue".equals(onError));
    }

    /** Inputs the action's schema requires must be written under {@code with:} (their values may be expressions). */
    private void requiredInputs(Fields f, String action, JsonNode with) {
        for (JsonNode required : actions.inputSchema(action).path("required").values()) {
            String input = required.asString();
            if (with == null || !with.has(input)) {
                problems.atValue(with == null ? f.path("action") : f.path("with"), "Action '" + action + "' needs the input '"
                        + input + "'; add it under with:");
            }
        }
    }

    /** True when the connection exists and belongs to the action's connector. */
    private boolean connectionType(Fields f, String action, String connection) {
        String connector = action.substring(0, action.indexOf('.'));
        java.util.Optional<String> actual = connections.connectorOf(connection);
        if (actual.isEmpty()) {
            problems.atValue(f.path("connection"), "Connection '" + connection + "' does not exist; create it with "
                    + "POST /api/v1/connections (connector '" + connector + "') or fix the name");
            return false;
        } else if (!actual.get().equals(connector)) {
            problems.atValue(f.path("connection"), "Connection '" + connection + "' is a '" + actual.get()
                    + "' connection; action '" + action + "' needs a '" + connector + "' connection");
            return false;
        }
        return true;
    }

    /**
     * The action's own save-time check of {@code with:} against the connection's settings (an {@code openapi.call}'s
     * operation against the document); each problem points at the line of the value it names, or of the nearest
     * enclosing one that is written.
     */
    private void checkAgainstConnection(Fields f, String action, String connection, JsonNode with) {
        java.util.Optional<JsonNode> settings = connections.settingsOf(connection);
        if (settings.isEmpty()) {
            return;
        }
        JsonNode written = with != null ? with : JsonNodeFactory.instance.objectNode();
        for (dev.braid.engine.spi.InputProblem problem : actions.action(action).check(written, settings.get())) {
            String base = with != null ? f.path("with") : f.path("action");
            String path = base;
            String deepestWritten = base;
            JsonNode node = written;
            String pointer = problem.pointer() == null ? "" : problem.pointer();
            for (String raw : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1)) {
                String segment = raw.replace("~1", "/").replace("~0", "~");
                if (node != null && node.isArray() && segment.matches("\\d{1,9}")) {
                    path = Positions.index(path, Integer.parseInt(segment));
                    node = node.get(Integer.parseInt(segment));
                } else {
                    path = Positions.child(path, segment);
                    node = node != null && node.isObject() ? node.get(segment) : null;
                }
                if (node != null && with != null) {
                    deepestWritten = path;
                }
            }
            if (node != null && with != null && !pointer.isEmpty()) {
                problems.atValue(path, problem.message());
            } else {
                // Something missing: point at the key of the nearest enclosing value that is written.
                problems.atKey(deepestWritten, problem.message());
            }
        }
    }

    private Step.IfStep ifStep(Fields f, String id) {
        String condition = f.expression("if");
        List<Step> then = list(f, "then", true, false, "list the steps to run when the condition holds, e.g. then: [ ... ]");
        List<Step> otherwise = list(f, "else", false, false, "");
        return new Step.IfStep(id, condition, then, otherwise);
    }

    private Step.ForeachStep foreach(Fields f, String id) {
        String items = f.expression("foreach");
        String as = f.text("as");
        if (as != null) {
            if (!IDENTIFIER.matcher(as).matches()) {
                f.problem("as", "'as' must be a simple name (letters, digits and '_', not starting with a digit); found '" + as + "'");
            } else if (CONTEXT_NAMES.contains(as)) {
                f.problem("as", "'as: " + as + "' would hide '" + as + "' of the expression context; choose another name, e.g. item");
            }
        }
        Integer chunk = f.integer("chunk", 1, Integer.MAX_VALUE);
        Integer parallel = f.integer("parallel", 1, 64);
        List<Step> body = list(f, "steps", true, true, "list the steps to run for each item, e.g. steps: [ ... ]");
        return new Step.ForeachStep(id, items, as, chunk != null ? chunk : 0, parallel != null ? parallel : 1, body);
    }

    private Step.StopStep stop(Fields f, String id) {
        JsonNode value = f.node().get("stop");
        if (value.isNull() || (value.isBoolean() && value.asBoolean())) {
            return new Step.StopStep(id, null);
        }
        if (!value.isObject()) {
            f.problem("stop", "'stop' must be true, {} or { output: ... }; found " + Fields.found(value));
            return new Step.StopStep(id, null);
        }
        Fields stop = new Fields(value, f.path("stop"), problems, expressions);
        stop.allowOnly(List.of("output"));
        stop.templates("output");
        return new Step.StopStep(id, stop.get("output"));
    }

    private Step.FailStep fail(Fields f, String id) {
        String fallback = "The recipe failed at step " + id;
        JsonNode value = f.node().get("fail");
        if (value.isNull() || (value.isBoolean() && value.asBoolean())) {
            return new Step.FailStep(id, fallback);
        }
        if (value.isString()) {
            f.templates("fail");
            return new Step.FailStep(id, value.asString().isBlank() ? fallback : value.asString());
        }
        if (!value.isObject()) {
            f.problem("fail", "'fail' must be a message (\"...\") or { message: ... }; found " + Fields.found(value));
            return new Step.FailStep(id, fallback);
        }
        Fields fail = new Fields(value, f.path("fail"), problems, expressions);
        fail.allowOnly(List.of("message"));
        String message = fail.text("message");
        fail.templates("message");
        return new Step.FailStep(id, message == null || message.isBlank() ? fallback : message);
    }

    /** "; 'then' belongs to an if step" when an unknown field is a field of another step kind. */
    private static String belongsElsewhere(String name, String kind) {
        for (String other : KINDS) {
            if (!other.equals(kind) && FIELDS.get(other).contains(name) && !COMMON.contains(name)) {
                return "; '" + name + "' belongs to " + (other.equals("action") || other.equals("if") ? "an " : "a ")
                        + other + " step, and a step has exactly one kind";
            }
        }
        return "";
    }

    private static List<String> fields(String... specific) {
        List<String> out = new ArrayList<>(COMMON);
        out.addAll(List.of(specific));
        return List.copyOf(out);
    }
}
