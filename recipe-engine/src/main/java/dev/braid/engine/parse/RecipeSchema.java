package dev.braid.engine.parse;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON Schema (draft 2020-12) of the recipe format (ARCHITECTURE §2, issue 17), for editors: the
 * studio and VS Code's YAML extension ({@code # yaml-language-server: $schema=…/api/v1/schema/recipe.json}).
 * Field names come from the readers that check a recipe, so the schema and the parser name the same
 * fields; each action's {@code with} schema is its connector's input schema, chosen by {@code if}/{@code then}
 * on {@code action}. Any value the parser evaluates may be written as a {@code {{ }}} template instead.
 * The parser stays the authority: it checks what a schema cannot (expressions, unique ids, connections).
 */
public final class RecipeSchema {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String DEFS = "#/$defs/";

    private RecipeSchema() {}

    public static ObjectNode of(ConnectorRegistry registry) {
        Map<String, Action> actions = new TreeMap<>();
        for (Connector c : registry.connectors()) {
            c.actions().forEach((name, action) -> actions.put(c.name() + "." + name, action));
        }
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", "https://braid.dev/schema/recipe.json");
        schema.put("title", "Braid recipe");
        schema.put("description", "A recipe: one trigger and a list of steps. Values under with:, and settings taking"
                + " an expression, may use JSONata in {{ }}.");
        schema.put("type", "object");
        schema.set("required", strings("slug", "name", "trigger", "steps"));
        schema.put("additionalProperties", false);
        ObjectNode p = schema.putObject("properties");
        p.set("slug", described(string().put("pattern", "^[a-z0-9-]{1,64}$"),
                "Unique name in URLs (/hooks/<slug>); lower-case letters, digits and '-'; never changes once created.",
                NODES.stringNode("order-sync")));
        p.set("name", described(string().put("maxLength", RecipeReader.MAX_NAME_LENGTH), "What people read.",
                NODES.stringNode("Sync new orders to the CRM")));
        p.set("description", string());
        p.set("enabled", described(type("boolean"), "Default true: the trigger runs.", null));
        p.set("trigger", ref("trigger"));
        p.set("concurrency", object(Map.of("limit", positiveInteger(), "key", expression()), List.of("limit")));
        p.set("ordering", object(Map.of("key", expression()), List.of("key")));
        ObjectNode index = type("object");
        index.put("maxProperties", dev.braid.engine.model.Recipe.MAX_INDEX_KEYS);
        index.putObject("propertyNames").put("pattern", "^" + RecipeReader.INDEX_NAME.pattern() + "$");
        index.set("additionalProperties", expression());
        p.set("index", described(index, "Business keys: name -> expression over the trigger, to find runs by value.", null));
        p.set("sla", object(Map.of("maxLatency", duration(), "notify", notifyRecipe(), "quiet", duration()), List.of()));
        p.set("alerts", array(ref("alert")));
        p.set("retention", object(Map.of("history", duration(), "summaries", duration()), List.of()));
        p.set("timeout", duration());
        p.set("retry", ref("retry"));
        p.set("steps", described(array(ref("step")).put("minItems", 1), "What the recipe does, in order.", null));
        p.set("onError", object(Map.of("deadLetter", type("boolean"), "notify", notifyRecipe()), List.of()));

        ObjectNode defs = schema.putObject("$defs");
        defs.set("template", described(string().put("pattern", "\\{\\{"), "A {{ JSONata }} template.", null));
        defs.set("trigger", trigger(actions, registry));
        defs.set("retry", object(Map.of("maxAttempts", positiveInteger(), "initialDelay", duration(),
                "multiplier", type("number"), "maxDelay", duration(), "jitter", type("number")), List.of()));
        defs.set("alert", alert());
        defs.set("steps", array(ref("step")));
        defs.set("step", step(actions));
        return schema;
    }

    // ---- trigger --------------------------------------------------------------------------------

    private static ObjectNode trigger(Map<String, Action> actions, ConnectorRegistry registry) {
        ObjectNode batch = object(Map.of("maxSize", positiveInteger(), "maxWait", duration(), "key", expression()), List.of());
        Map<String, ObjectNode> types = Map.of(
                "webhook", object(Map.of(
                        "secret", described(string(), "HMAC key for X-Braid-Signature, e.g. \"{{ secrets.SHOP_WEBHOOK_SECRET }}\".", null),
                        "idempotencyKey", expression(),
                        "dedupe", object(Map.of("window", duration()), List.of()),
                        "respond", object(Map.of("mode", choice("async", "sync"), "timeout", duration()), List.of()),
                        "rateLimit", object(Map.of("requests", positiveInteger(), "per", duration()), List.of())), List.of()),
                "kafka", object(Map.of("topic", string(), "connection", string(), "format", choice("json", "text"),
                        "startFrom", choice("earliest", "latest"), "idempotencyKey", expression(), "batch", batch), List.of("topic")),
                "cdc", object(Map.of("connection", string(), "tables", array(string()).put("minItems", 1),
                        "operations", array(choice("insert", "update", "delete")), "snapshot", choice("never", "initial"),
                        "idempotencyKey", expression(), "batch", batch), List.of("connection", "tables")),
                "schedule", object(Map.of(
                        "cron", described(string(), "Unix (5 fields) or with seconds first (6 fields).", NODES.stringNode("0 0 2 * * *")),
                        "timezone", described(string(), "An IANA zone such as Europe/London; default UTC.", null),
                        "catchUp", choice("none", "last", "all")), List.of("cron")),
                "poll", object(Map.of("connection", string(), "every", duration(), "cron", string(),
                        "query", described(string(), "SQL with :cursor, e.g. select * from orders where id > :cursor order by id limit 500", null),
                        "action", actionName(actions), "with", type("object"), "cursor", string(),
                        "initialCursor", NODES.objectNode(), "batch", batch, "idempotencyKey", expression()), List.of()),
                "manual", described(object(Map.of(), List.of()), "Started only by the API, by call: or by onError.notify.", null));
        ObjectNode trigger = type("object");
        trigger.put("description", "Exactly one of " + String.join(", ", TriggerReader.TYPES) + ".");
        trigger.put("minProperties", 1);
        trigger.put("maxProperties", 1);
        trigger.put("additionalProperties", false);
        ObjectNode props = trigger.putObject("properties");
        for (String t : TriggerReader.TYPES) {
            // A connector's trigger (mqtt, amqp, ...) is described by its source's own settings schema, which the
            // parser checks too; a type no installed connector reads accepts nothing but is still named.
            ObjectNode settings = types.containsKey(t) ? types.get(t) : registry.triggerSource(t)
                    .map(shipped -> shipped.source().settingsSchema())
                    .filter(JsonNode::isObject)
                    .map(schema -> (ObjectNode) schema.deepCopy())
                    .orElseGet(() -> type("object").put("maxProperties", 0));
            // "manual:" with nothing after it is null in YAML; so is any trigger without settings.
            props.set(t, anyOf(settings, type("null")));
        }
        return trigger;
    }

    // ---- steps ----------------------------------------------------------------------------------

    private static ObjectNode step(Map<String, Action> actions) {
        ObjectNode common = NODES.objectNode();
        common.set("id", described(string().put("pattern", "^[A-Za-z_][A-Za-z0-9_]{0,63}$"),
                "Unique in the recipe; its output is steps.<id>.output.", NODES.stringNode("lookup")));
        common.set("name", string());
        common.set("description", string());
        ObjectNode onError = choice("fail", "continue");

        ObjectNode action = kind(common, "action", Map.of("action", actionName(actions), "connection",
                described(string(), "A connection of the action's connector.", null), "with", type("object"),
                "retry", ref("retry"), "timeout", duration(), "onError", onError));
        ArrayNode perAction = action.putArray("allOf");
        actions.forEach((name, a) -> {
            ObjectNode rule = perAction.addObject();
            rule.putObject("if").putObject("properties").putObject("action").put("const", name);
            rule.putObject("then").putObject("properties").set("with", withSchema(a));
        });
        ObjectNode ifStep = kind(common, "if", Map.of("if", expression(), "then", ref("steps"), "else", ref("steps")));
        ifStep.set("required", strings("id", "if", "then"));
        ObjectNode foreach = kind(common, "foreach", Map.of("foreach", expression(), "as", string().put("pattern", "^[A-Za-z_][A-Za-z0-9_]*$"),
                "chunk", described(positiveInteger(), "Hand the body this many items at a time (the as variable is then an array).", null),
                "parallel", described(positiveInteger().put("maximum", 64), "Iterations at once, 1 to 64.", null),
                "steps", described(ref("steps").put("minItems", 1), "The body, run for each item.", null)));
        foreach.set("required", strings("id", "foreach", "steps"));
        ObjectNode call = kind(common, "call", Map.of("call", described(string().put("pattern", "^[a-z0-9-]{1,64}$"),
                        "The slug of a recipe with a manual trigger; its run's output is this step's output.", null),
                "with", described(type("object"), "The called recipe's trigger body.", null), "timeout", duration(), "onError", onError));
        ObjectNode stopOutput = object(Map.of("output", NODES.objectNode()), List.of());
        ObjectNode stop = kind(common, "stop", Map.of("stop", anyOf(type("boolean"), type("null"), stopOutput)));
        ObjectNode failMessage = object(Map.of("message", string()), List.of());
        ObjectNode fail = kind(common, "fail", Map.of("fail", anyOf(string(), type("boolean"), type("null"), failMessage)));

        ObjectNode step = NODES.objectNode();
        step.put("description", "One of: an action step (action + with), if/then/else, foreach/steps, call, stop, fail.");
        ArrayNode oneOf = step.putArray("oneOf");
        oneOf.add(action).add(ifStep).add(foreach).add(call).add(stop).add(fail);
        return step;
    }

    /** A step kind: the common fields plus its own, nothing else; {@code id} and the kind's key required. */
    private static ObjectNode kind(ObjectNode common, String key, Map<String, ObjectNode> own) {
        ObjectNode s = type("object");
        s.put("title", key);
        s.set("required", strings("id", key));
        s.put("additionalProperties", false);
        ObjectNode props = s.putObject("properties");
        props.setAll(common);
        new TreeMap<>(own).forEach(props::set);
        return s;
    }

    /** The action's input schema with every value also allowed as a {{ }} template. */
    private static ObjectNode withSchema(Action action) {
        JsonNode input = action.inputSchema();
        ObjectNode with = input != null && input.isObject() ? ((ObjectNode) input).deepCopy() : type("object");
        with.remove("$schema");
        templatesAllowed(with);
        if (action.description() != null && !action.description().isBlank() && !with.has("description")) {
            with.put("description", action.description());
        }
        JsonNode example = action.example();
        if (example != null && !example.isNull()) {
            with.putArray("examples").add(example);
        }
        return with;
    }

    private static void templatesAllowed(ObjectNode schema) {
        JsonNode props = schema.get("properties");
        if (props instanceof ObjectNode properties) {
            for (String name : List.copyOf(properties.propertyNames())) {
                JsonNode p = properties.get(name);
                if (p instanceof ObjectNode child) {
                    templatesAllowed(child);
                    properties.set(name, orTemplate(child));
                }
            }
        }
        JsonNode items = schema.get("items");
        if (items instanceof ObjectNode child) {
            templatesAllowed(child);
            schema.set("items", orTemplate(child));
        }
        JsonNode additional = schema.get("additionalProperties");
        if (additional instanceof ObjectNode child) {
            templatesAllowed(child);
            schema.set("additionalProperties", orTemplate(child));
        }
    }

    /** {@code anyOf: [schema, template]}, keeping the description and examples on top where editors show them. */
    private static ObjectNode orTemplate(ObjectNode schema) {
        ObjectNode out = NODES.objectNode();
        for (String doc : List.of("description", "examples", "default", "title")) {
            if (schema.has(doc)) {
                out.set(doc, schema.get(doc));
            }
        }
        out.putArray("anyOf").add(schema).add(ref("template"));
        return out;
    }

    private static ObjectNode actionName(Map<String, Action> actions) {
        ObjectNode s = string();
        ArrayNode names = s.putArray("enum");
        actions.keySet().forEach(names::add);
        s.put("description", "<connector>.<action>, e.g. http.request");
        return s;
    }

    private static ObjectNode alert() {
        Map<String, ObjectNode> rules = Map.of(
                "errorRate", object(Map.of("above", type("number").put("minimum", 0).put("exclusiveMaximum", 1), "window", duration()),
                        List.of("above")),
                "deadLetters", object(Map.of("above", type("integer").put("minimum", 0)), List.of("above")),
                "silence", object(Map.of("for", duration()), List.of("for")));
        ObjectNode alert = type("object");
        alert.put("additionalProperties", false);
        alert.set("required", strings("notify"));
        ObjectNode props = alert.putObject("properties");
        new TreeMap<>(rules).forEach(props::set);
        props.set("notify", notifyRecipe());
        ArrayNode oneOf = alert.putArray("oneOf");
        for (String rule : new TreeMap<>(rules).keySet()) {
            oneOf.addObject().set("required", strings(rule));
        }
        return alert;
    }

    // ---- small schemas --------------------------------------------------------------------------

    private static ObjectNode notifyRecipe() {
        return object(Map.of("recipe", string().put("pattern", "^[a-z0-9-]{1,64}$")), List.of("recipe"));
    }

    private static ObjectNode expression() {
        return described(string().put("minLength", 1), "A bare JSONata expression, e.g. trigger.body.id.", null);
    }

    private static ObjectNode duration() {
        ObjectNode s = NODES.objectNode();
        s.putArray("type").add("string").add("integer");
        s.put("pattern", "^\\s*(([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+|[0-9]+|[Pp][0-9A-Za-z.]+)\\s*$");
        s.put("description", "A duration such as 500ms, 10s, 5m, 2h or 1m30s.");
        return s;
    }

    private static ObjectNode positiveInteger() {
        return type("integer").put("minimum", 1);
    }

    private static ObjectNode choice(String... values) {
        ObjectNode s = string();
        ArrayNode e = s.putArray("enum");
        for (String v : values) {
            e.add(v);
        }
        return s;
    }

    private static ObjectNode object(Map<String, ObjectNode> properties, List<String> required) {
        ObjectNode s = type("object");
        s.put("additionalProperties", false);
        ObjectNode props = s.putObject("properties");
        new TreeMap<>(properties).forEach(props::set);
        if (!required.isEmpty()) {
            s.set("required", strings(required.toArray(String[]::new)));
        }
        return s;
    }

    private static ObjectNode array(ObjectNode items) {
        ObjectNode s = type("array");
        s.set("items", items);
        return s;
    }

    private static ObjectNode anyOf(ObjectNode... options) {
        ObjectNode s = NODES.objectNode();
        ArrayNode any = s.putArray("anyOf");
        for (ObjectNode o : options) {
            any.add(o);
        }
        return s;
    }

    private static ObjectNode ref(String def) {
        return NODES.objectNode().put("$ref", DEFS + def);
    }

    private static ObjectNode string() {
        return type("string");
    }

    private static ObjectNode type(String type) {
        return NODES.objectNode().put("type", type);
    }

    private static ObjectNode described(ObjectNode schema, String description, JsonNode example) {
        schema.put("description", description);
        if (example != null) {
            schema.putArray("examples").add(example);
        }
        return schema;
    }

    private static ArrayNode strings(String... values) {
        ArrayNode a = NODES.arrayNode();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }
}
