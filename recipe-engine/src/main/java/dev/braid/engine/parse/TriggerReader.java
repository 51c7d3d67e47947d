package dev.braid.engine.parse;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Reads and checks {@code trigger:} (ARCHITECTURE §2): exactly one type and that type's settings, as typed
 * {@link TriggerSettings} with their defaults. The records are meaningful only when no problem was
 * reported.
 */
final class TriggerReader {

    static final List<String> TYPES = java.util.Arrays.stream(Trigger.Type.values()).map(Trigger.Type::wire).toList();

    private static final List<String> WEBHOOK = List.of("secret", "idempotencyKey", "dedupe", "respond", "rateLimit");
    private static final List<String> KAFKA = List.of("topic", "connection", "format", "startFrom", "idempotencyKey", "batch");
    private static final List<String> CDC = List.of("connection", "tables", "operations", "snapshot", "idempotencyKey", "batch");
    private static final List<String> SCHEDULE = List.of("cron", "timezone", "catchUp");
    private static final List<String> POLL = List.of("connection", "every", "cron", "query", "action", "with", "cursor",
            "initialCursor", "batch", "idempotencyKey");
    private static final List<String> BATCH = List.of("maxSize", "maxWait", "key");
    private static final java.util.regex.Pattern PLAIN_TABLE =
            java.util.regex.Pattern.compile("([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private final Problems problems;
    private final Expressions expressions;
    private final Actions actions;
    /** Null when the recipe is read without checking its connections (a stored version). */
    private final ConnectionTypes connections;

    TriggerReader(Problems problems, Expressions expressions, Actions actions, ConnectionTypes connections) {
        this.problems = problems;
        this.expressions = expressions;
        this.actions = actions;
        this.connections = connections;
    }

    /** The trigger, or null when {@code root} has none or it is wrong (reported). */
    Trigger read(Fields root) {
        JsonNode value = root.get("trigger");
        if (value == null) {
            root.missing("trigger", "a recipe starts from exactly one of " + String.join(", ", TYPES)
                    + ", e.g. trigger: { webhook: {} }");
            return null;
        }
        if (!value.isObject()) {
            root.problem("trigger", "'trigger' must be a mapping naming one of " + String.join(", ", TYPES)
                    + ", e.g. trigger: { " + (value.isString() && TYPES.contains(value.asString()) ? value.asString() : "webhook")
                    + ": {} }; found " + Fields.found(value));
            return null;
        }
        Fields trigger = new Fields(value, "trigger", problems, expressions);
        trigger.allowOnly(TYPES);
        List<String> named = TYPES.stream().filter(t -> trigger.node().has(t)).toList();
        if (named.size() != 1) {
            problems.atKey("trigger", "The trigger must name exactly one of " + String.join(", ", TYPES) + "; found "
                    + (named.isEmpty() ? "none" : named.size() + ": " + String.join(", ", named)));
            return null;
        }
        String type = named.getFirst();
        JsonNode settings = trigger.node().get(type);
        if (!settings.isNull() && !settings.isObject()) {
            trigger.problem(type, "'" + type + "' must be a mapping of its settings (or {} for none); found " + Fields.found(settings));
            return null;
        }
        Fields fields = new Fields(settings, trigger.path(type), problems, expressions);
        TriggerSettings typed = switch (Trigger.Type.fromWire(type)) {
            case WEBHOOK -> webhook(fields);
            case KAFKA -> kafka(fields);
            case CDC -> cdc(fields);
            case SCHEDULE -> schedule(fields);
            case POLL -> poll(fields);
            case MANUAL -> {
                fields.allowOnly(List.of(), name -> "; a manual trigger takes no settings, write manual: {}");
                yield new TriggerSettings.Manual();
            }
            case MQTT, AMQP -> source(fields, Trigger.Type.fromWire(type));
        };
        if (typed == null) {
            return null;
        }
        return new Trigger(typed);
    }

    private TriggerSettings.Webhook webhook(Fields f) {
        f.allowOnly(WEBHOOK);
        String secret = f.text("secret");
        f.templates("secret");
        String idempotencyKey = f.expression("idempotencyKey");

        Duration window = TriggerSettings.Webhook.DEFAULT_DEDUPE_WINDOW;
        Fields dedupe = f.object("dedupe");
        if (dedupe != null) {
            dedupe.allowOnly(List.of("window"));
            Duration w = dedupe.duration("window", false);
            window = w != null ? w : window;
        }

        boolean sync = false;
        Duration respondTimeout = TriggerSettings.Webhook.DEFAULT_RESPOND_TIMEOUT;
        Fields respond = f.object("respond");
        if (respond != null) {
            respond.allowOnly(List.of("mode", "timeout"));
            sync = "sync".equals(respond.choice("mode", List.of("async", "sync")));
            Duration t = respond.duration("timeout", false);
            respondTimeout = t != null ? t : respondTimeout;
        }

        TriggerSettings.RateLimit rateLimit = null;
        Fields limit = f.object("rateLimit");
        if (limit != null) {
            limit.allowOnly(List.of("requests", "per"));
            Integer requests = limit.integer("requests", 1, Integer.MAX_VALUE);
            if (!limit.has("requests")) {
                limit.missing("requests", "say how many requests are allowed, e.g. rateLimit: { requests: 100, per: 1s }");
            }
            Duration per = limit.duration("per", false);
            if (requests != null) {
                rateLimit = new TriggerSettings.RateLimit(requests, per != null ? per : Duration.ofSeconds(1));
            }
        }
        return new TriggerSettings.Webhook(secret, idempotencyKey, window, sync, respondTimeout, rateLimit);
    }

    private TriggerSettings.Kafka kafka(Fields f) {
        f.allowOnly(KAFKA);
        String topic = f.requiredText("topic", "name the Kafka topic to consume, e.g. topic: orders");
        String connection = f.text("connection");
        if (connection != null && connections != null) {
            kafkaConnection(f, connection);
        } else if (connections != null) {
            connections.defaultConnectionProblem("kafka").ifPresent(why -> f.problem("topic",
                    "A kafka trigger without 'connection:' reads Braid's own Kafka, which this server does not have: " + why));
        }
        String format = f.choice("format", List.of("json", "text"));
        String startFrom = f.choice("startFrom", List.of("earliest", "latest"));
        String idempotencyKey = f.expression("idempotencyKey");
        return new TriggerSettings.Kafka(topic, connection,
                "text".equals(format) ? TriggerSettings.Kafka.Format.TEXT : TriggerSettings.Kafka.Format.JSON,
                "earliest".equals(startFrom) ? TriggerSettings.Kafka.StartFrom.EARLIEST : TriggerSettings.Kafka.StartFrom.LATEST,
                idempotencyKey, batch(f));
    }

    private TriggerSettings.Cdc cdc(Fields f) {
        f.allowOnly(CDC);
        String connection = f.requiredText("connection", "name the sql connection of the PostgreSQL database to follow, e.g. connection: shop-db");
        if (connection != null && connections != null) {
            cdcConnection(f, connection);
        }
        ArrayNode tables = f.list("tables");
        List<String> qualified = new ArrayList<>();
        if (!f.has("tables")) {
            f.missing("tables", "list the tables to follow, e.g. tables: [public.orders]");
        } else if (tables != null) {
            if (tables.isEmpty()) {
                f.problem("tables", "'tables' is empty; list at least one table, e.g. tables: [public.orders]");
            }
            for (int i = 0; i < tables.size(); i++) {
                JsonNode t = tables.get(i);
                if (!t.isString() || t.asString().isBlank()) {
                    problems.atValue(Positions.index(f.path("tables"), i),
                            "Each table must be a name such as public.orders; found " + Fields.found(t));
                } else if (!PLAIN_TABLE.matcher(t.asString().strip()).matches()) {
                    // The names go into a publication and into Debezium's include list: plain identifiers only.
                    problems.atValue(Positions.index(f.path("tables"), i), "'" + t.asString()
                            + "' is not a plain table name; write schema.table with letters, digits and '_', e.g. public.orders");
                } else {
                    qualified.add(qualified(t.asString().strip()));
                }
            }
        }
        ArrayNode operations = f.list("operations");
        Set<TriggerSettings.Cdc.Operation> wanted = EnumSet.allOf(TriggerSettings.Cdc.Operation.class);
        if (operations != null) {
            wanted.clear();
            List<String> allowed = List.of("insert", "update", "delete");
            if (operations.isEmpty()) {
                f.problem("operations", "'operations' is empty; list some of insert, update, delete, or leave it out for all three");
            }
            for (int i = 0; i < operations.size(); i++) {
                JsonNode op = operations.get(i);
                if (!op.isString() || !allowed.contains(op.asString())) {
                    problems.atValue(Positions.index(f.path("operations"), i), "Each operation must be one of insert, update, delete; found "
                            + Fields.found(op) + (op.isString() ? Closest.didYouMean(op.asString(), allowed) : ""));
                } else {
                    wanted.add(TriggerSettings.Cdc.Operation.valueOf(op.asString().toUpperCase(Locale.ROOT)));
                }
            }
        }
        String snapshot = f.choice("snapshot", List.of("never", "initial"));
        String idempotencyKey = f.expression("idempotencyKey");
        return new TriggerSettings.Cdc(connection, qualified, wanted, "initial".equals(snapshot), idempotencyKey, batch(f));
    }

    /** {@code orders} → {@code public.orders}; {@code Sales.Orders} → {@code sales.orders}, as PostgreSQL folds unquoted names. */
    private static String qualified(String table) {
        String name = table.indexOf('.') < 0 ? "public." + table : table;
        return name.toLowerCase(Locale.ROOT);
    }

    /** A kafka trigger's {@code connection:} is a kafka connection; without one it reads Braid's own Kafka. */
    private void kafkaConnection(Fields f, String connection) {
        java.util.Optional<String> connector = connections.connectorOf(connection);
        if (connector.isEmpty()) {
            f.problem("connection", "Connection '" + connection + "' does not exist; create a kafka connection with "
                    + "POST /api/v1/connections, or leave 'connection' out to read Braid's own Kafka");
        } else if (!connector.get().equals("kafka")) {
            f.problem("connection", "Connection '" + connection + "' is a '" + connector.get()
                    + "' connection; a kafka trigger needs a 'kafka' connection (bootstrapServers, ...)");
        }
    }

    /** A cdc trigger reads an sql connection whose URL is PostgreSQL (logical replication). */
    private void cdcConnection(Fields f, String connection) {
        java.util.Optional<String> connector = connections.connectorOf(connection);
        if (connector.isEmpty()) {
            f.problem("connection", "Connection '" + connection + "' does not exist; create an sql connection to the PostgreSQL "
                    + "database with POST /api/v1/connections or fix the name");
        } else if (!connector.get().equals("sql")) {
            f.problem("connection", "Connection '" + connection + "' is a '" + connector.get()
                    + "' connection; a cdc trigger needs an 'sql' connection to a PostgreSQL database");
        } else {
            connections.settingOf(connection, "url").filter(url -> !url.startsWith("jdbc:postgresql:")).ifPresent(url ->
                    f.problem("connection", "Connection '" + connection + "' is not PostgreSQL (its URL starts '"
                            + scheme(url) + "'); change data capture reads PostgreSQL only"));
        }
    }

    /** {@code jdbc:mysql://db/shop} → {@code jdbc:mysql:}: enough to say what it is, nothing of host or credentials. */
    private static String scheme(String url) {
        int colon = url.indexOf(':', "jdbc:".length());
        return colon < 0 ? url.substring(0, Math.min(url.length(), 12)) : url.substring(0, colon + 1);
    }

    private TriggerSettings.Schedule schedule(Fields f) {
        f.allowOnly(SCHEDULE);
        String cron = f.requiredText("cron", "say when to run, e.g. cron: \"0 2 * * *\" (minute hour day month weekday: 02:00 every day) or with seconds first \"0 0 2 * * *\"");
        if (cron != null) {
            cron(f, "cron", cron);
        }
        String zone = f.text("timezone");
        ZoneId timezone = ZoneId.of("UTC");
        if (zone != null) {
            try {
                timezone = ZoneId.of(zone);
            } catch (DateTimeException e) {
                f.problem("timezone", "Unknown time zone '" + zone + "'; use a region name such as Europe/London or UTC"
                        + Closest.didYouMean(zone, ZoneId.getAvailableZoneIds()));
            }
        }
        String catchUp = f.choice("catchUp", List.of("none", "last", "all"));
        return new TriggerSettings.Schedule(cron == null ? null : cron.strip(), timezone,
                catchUp == null ? TriggerSettings.Schedule.CatchUp.LAST
                        : TriggerSettings.Schedule.CatchUp.valueOf(catchUp.toUpperCase(Locale.ROOT)));
    }

    private TriggerSettings.Poll poll(Fields f) {
        f.allowOnly(POLL);
        String connection = f.text("connection");
        Duration interval = f.duration("every", false);
        String cron = f.text("cron");
        if (cron != null) {
            cron(f, "cron", cron);
        }
        boolean every = f.has("every");
        if (every == f.has("cron")) {
            problems.atKey(f.path(), "A poll trigger needs exactly one of 'every' (e.g. every: 1m) or 'cron' to say how often it polls; found "
                    + (every ? "both" : "none"));
        }
        String query = f.text("query");
        f.templates("query");
        String action = f.text("action");
        if (action != null) {
            actions.check(action, f.path("action"), problems);
        }
        if (f.has("query") == f.has("action")) {
            problems.atKey(f.path(), "A poll trigger reads with exactly one of 'query' (SQL run over 'connection') or 'action' "
                    + "(with 'with'); found " + (f.has("query") ? "both" : "none"));
        }
        if (query != null && connection == null && !f.has("connection")) {
            f.problemAtKey("query", "A poll 'query' needs a 'connection' to run against, e.g. connection: shop-db");
        }
        if (f.has("with")) {
            if (!f.has("action")) {
                f.problemAtKey("with", "'with' holds the inputs of a poll 'action'; add action: or remove with:");
            }
            if (!f.get("with").isObject()) {
                f.problem("with", "'with' must be a mapping of the action's inputs; found " + Fields.found(f.get("with")));
            } else {
                f.templates("with");
            }
        }
        String cursor = f.text("cursor");
        JsonNode initial = f.get("initialCursor");
        if (initial != null && initial.isContainer()) {
            f.problem("initialCursor", "'initialCursor' must be a single value such as 0 or '2024-01-01'; found " + Fields.found(initial));
        }
        String idempotencyKey = f.expression("idempotencyKey");
        return new TriggerSettings.Poll(connection, interval, cron, query, action, f.get("with"), cursor, initial,
                idempotencyKey, batch(f));
    }

    /**
     * A trigger a connector's source serves ({@link TriggerSettings.Source}): the fields its settings schema
     * lists and no others, its required ones, choices ({@code enum}), whole numbers within their bounds and
     * lists; the common ones ({@code connection}, {@code idempotencyKey}, {@code dedupe}, {@code batch}) as
     * for every trigger. Null (reported) when no installed connector consumes the type.
     */
    private TriggerSettings.Source source(Fields f, Trigger.Type type) {
        java.util.Optional<dev.braid.engine.spi.ConnectorRegistry.Shipped> shipped = actions.triggerSource(type.wire());
        if (shipped.isEmpty()) {
            problems.atKey(f.path(), "No installed connector reads " + type.wire() + " triggers; add the connector's jar "
                    + "to the class path or choose another trigger type");
            return null;
        }
        JsonNode schema = shipped.get().source().settingsSchema();
        JsonNode properties = schema.path("properties");
        f.allowOnly(List.copyOf(properties.propertyNames()));
        for (JsonNode required : schema.path("required")) {
            if (!f.has(required.asString())) {
                f.missing(required.asString(), properties.path(required.asString()).path("description").asString(""));
            }
        }
        for (java.util.Map.Entry<String, JsonNode> p : properties.properties()) {
            String name = p.getKey();
            JsonNode rule = p.getValue();
            if (!f.has(name) || List.of("connection", "idempotencyKey", "dedupe", "batch").contains(name)) {
                continue;
            }
            if (rule.has("enum")) {
                List<String> options = new ArrayList<>();
                rule.get("enum").forEach(o -> options.add(o.asString()));
                f.choice(name, options);
            } else if ("integer".equals(rule.path("type").asString())) {
                f.integer(name, rule.path("minimum").asInt(Integer.MIN_VALUE), rule.path("maximum").asInt(Integer.MAX_VALUE));
            } else if ("array".equals(rule.path("type").asString())) {
                ArrayNode list = f.list(name);
                if (list != null && list.isEmpty()) {
                    f.problem(name, "'" + name + "' is empty; " + rule.path("description").asString(""));
                }
                for (int i = 0; list != null && i < list.size(); i++) {
                    if (!list.get(i).isString() || list.get(i).asString().isBlank()) {
                        problems.atValue(Positions.index(f.path(name), i), "Each entry of '" + name + "' must be a text; found "
                                + Fields.found(list.get(i)));
                    }
                }
            } else if ("string".equals(rule.path("type").asString())) {
                f.text(name);
            }
        }
        String connector = shipped.get().connector().name();
        String connection = f.text("connection");
        if (connection != null && connections != null) {
            java.util.Optional<String> actual = connections.connectorOf(connection);
            if (actual.isEmpty()) {
                f.problem("connection", "Connection '" + connection + "' does not exist; create a " + connector
                        + " connection with POST /api/v1/connections or fix the name");
            } else if (!actual.get().equals(connector)) {
                f.problem("connection", "Connection '" + connection + "' is a '" + actual.get() + "' connection; a "
                        + type.wire() + " trigger needs a '" + connector + "' connection");
            }
        }
        String idempotencyKey = f.expression("idempotencyKey");
        Duration window = null;
        JsonNode defaultWindow = properties.path("dedupe").path("properties").path("window").path("default");
        if (defaultWindow.isString()) {
            window = dev.braid.engine.model.Durations.parse(defaultWindow.asString());
        }
        Fields dedupe = f.object("dedupe");
        if (dedupe != null) {
            dedupe.allowOnly(List.of("window"));
            Duration w = dedupe.duration("window", false);
            window = w != null ? w : window;
        }
        return new TriggerSettings.Source(type, connection, idempotencyKey, window, batch(f), f.node());
    }

    /** {@code batch:} with its defaults, or null when the trigger has none (one run per event). */
    private TriggerSettings.Batch batch(Fields f) {
        Fields batch = f.object("batch");
        if (batch == null) {
            return null;
        }
        batch.allowOnly(BATCH);
        Integer maxSize = batch.integer("maxSize", 1, Integer.MAX_VALUE);
        Duration maxWait = batch.duration("maxWait", false);
        String key = batch.expression("key");
        return new TriggerSettings.Batch(maxSize == null ? TriggerSettings.Batch.DEFAULT_MAX_SIZE : maxSize,
                maxWait == null ? TriggerSettings.Batch.DEFAULT_MAX_WAIT : maxWait, key);
    }

    /** Read by the class the scheduler fires with (ARCHITECTURE §11 "Cron dialects"), so what is saved fires. */
    private static void cron(Fields f, String name, String cron) {
        try {
            dev.braid.engine.schedule.CronSchedule.parse(cron);
        } catch (dev.braid.engine.schedule.InvalidCron e) {
            f.problem(name, e.getMessage());
        }
    }
}
