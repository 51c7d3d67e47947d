package dev.braid.app.triggers.cdc;

import java.time.Instant;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One row change as a recipe sees it, read from a Debezium change event (JSON, no schemas):
 * {@code op} is {@code insert}, {@code update}, {@code delete}, or {@code read} for a row of the initial
 * snapshot; {@code table} is {@code schema.table}; {@code before}/{@code after} are the row images
 * (with the default replica identity {@code before} of an update is null and of a delete holds only
 * the primary key; {@code REPLICA IDENTITY FULL} gives whole rows); {@code key} is the primary key.
 */
record CdcChange(String op, String table, JsonNode before, JsonNode after, String lsn, Long txId, Instant ts, JsonNode key) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The change in a Debezium event, or empty for what is not a row change (heartbeats, tombstones). */
    static Optional<CdcChange> read(String keyJson, String valueJson, JsonMapper json) {
        if (valueJson == null) {
            return Optional.empty();
        }
        JsonNode value = unwrap(json.readTree(valueJson));
        String op = switch (value.path("op").asString("")) {
            case "c" -> "insert";
            case "u" -> "update";
            case "d" -> "delete";
            case "r" -> "read";
            default -> null;
        };
        if (op == null) {
            return Optional.empty();
        }
        JsonNode source = value.path("source");
        String table = (source.path("schema").asString("") + "." + source.path("table").asString("")).toLowerCase(java.util.Locale.ROOT);
        JsonNode key = keyJson == null ? NODES.nullNode() : unwrap(json.readTree(keyJson));
        Instant ts = source.hasNonNull("ts_ms") ? Instant.ofEpochMilli(source.get("ts_ms").asLong()) : null;
        return Optional.of(new CdcChange(op, table, orNull(value.get("before")), orNull(value.get("after")),
                source.hasNonNull("lsn") ? source.get("lsn").asString() : null,
                source.hasNonNull("txId") ? source.get("txId").asLong() : null, ts, key));
    }

    /** The trigger object of the run: the change as {@code body}, and its fields also at the top (ARCHITECTURE §2). */
    ObjectNode trigger() {
        ObjectNode body = NODES.objectNode();
        body.put("op", op);
        body.put("table", table);
        body.set("before", before);
        body.set("after", after);
        ObjectNode src = body.putObject("source");
        src.put("lsn", lsn);
        if (txId == null) {
            src.putNull("txId");
        } else {
            src.put("txId", txId);
        }
        src.put("ts", ts == null ? null : ts.toString());
        ObjectNode trigger = NODES.objectNode();
        trigger.put("type", "cdc");
        trigger.set("body", body);
        trigger.put("op", op);
        trigger.put("table", table);
        trigger.set("before", before);
        trigger.set("after", after);
        trigger.set("source", src.deepCopy());
        trigger.set("key", key);
        return trigger;
    }

    /**
     * The natural idempotency key (ARCHITECTURE §3): source position and primary key. Snapshot rows share one
     * position, so their key tells them apart; a table without a primary key uses the row image.
     */
    String naturalKey() {
        JsonNode identity = key != null && !key.isNull() && !key.isEmpty() ? key : ("delete".equals(op) ? before : after);
        return "cdc:" + lsn + "/" + table + "/" + (identity == null ? "null" : identity.toString())
                + ("read".equals(op) ? "/read" : "");
    }

    /** Debezium's JSON converter wraps values in {schema, payload} unless schemas are off; accept both. */
    private static JsonNode unwrap(JsonNode node) {
        return node.has("payload") && node.has("schema") ? node.get("payload") : node;
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null ? NODES.nullNode() : node;
    }
}
