package dev.braid.app.triggers.cdc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.braid.engine.model.Trigger;
import tools.jackson.databind.JsonNode;

/**
 * A recipe's {@code cdc:} settings (already validated by the parser): the source connection, its
 * tables as {@code schema.table} (a bare name means {@code public}), the operations it wants, whether
 * it wants the rows that exist when the source is first read ({@code snapshot: initial}), and its
 * optional idempotency key expression.
 */
record CdcTrigger(String connection, List<String> tables, Set<String> operations, boolean snapshot, String idempotencyKey) {

    static final List<String> ALL_OPERATIONS = List.of("insert", "update", "delete");

    static CdcTrigger of(Trigger trigger) {
        if (trigger.type() != Trigger.Type.CDC) {
            throw new IllegalArgumentException("Not a cdc trigger: " + trigger.type().wire());
        }
        JsonNode s = trigger.settings();
        List<String> tables = new ArrayList<>();
        for (JsonNode t : s.path("tables")) {
            tables.add(TableName.qualified(t.asString()));
        }
        Set<String> operations = new LinkedHashSet<>();
        if (s.has("operations")) {
            s.get("operations").forEach(op -> operations.add(op.asString()));
        } else {
            operations.addAll(ALL_OPERATIONS);
        }
        String key = s.hasNonNull("idempotencyKey") ? s.get("idempotencyKey").asString() : null;
        return new CdcTrigger(s.path("connection").asString(), List.copyOf(tables), Set.copyOf(operations),
                "initial".equals(s.path("snapshot").asString("never")), key);
    }

    /** Whether a change of {@code op} ({@code insert|update|delete|read}) on {@code table} is for this recipe. */
    boolean wants(String table, String op) {
        if (!tables.contains(table)) {
            return false;
        }
        return "read".equals(op) ? snapshot : operations.contains(op);
    }
}
