package dev.braid.app.triggers.schedule;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import dev.braid.app.refusal.Invalid;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/recipes/{slug}/backfill} body: {@code {from, to, mode, overlap, preview}}.
 * {@code from} (inclusive) and {@code to} (exclusive) are ISO-8601 instants; {@code mode} is
 * {@code missed} (default: only fire times without an event) or {@code all}; {@code overlap}, for
 * fire times that already have a run under {@code mode: all}, is {@code skip} (default),
 * {@code queue} or {@code allow}; {@code preview} (default false) lists and starts nothing.
 */
record BackfillRequest(Instant from, Instant to, Mode mode, Overlap overlap, boolean preview) {

    enum Mode { MISSED, ALL }

    enum Overlap { SKIP, QUEUE, ALLOW }

    /** Every problem of the body at once, as a 400 problem with {@code errors: [{path, message}]}. */
    static BackfillRequest read(JsonNode body, Instant now) {
        List<Map<String, Object>> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw invalid(List.of(error("", "The body must be a JSON object such as "
                    + "{\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-11-02T00:00:00Z\", \"mode\": \"missed\"}")));
        }
        for (String name : body.propertyNames()) {
            if (!List.of("from", "to", "mode", "overlap", "preview").contains(name)) {
                errors.add(error(name, "Unknown field '" + name + "'; known: from, to, mode, overlap, preview"));
            }
        }
        Instant from = instant(body, "from", errors);
        Instant to = instant(body, "to", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(error("to", "'to' (" + to + ") must be after 'from' (" + from + ")"));
        }
        if (to != null && to.isAfter(now)) {
            errors.add(error("to", "'to' (" + to + ") is in the future; a backfill covers fire times that have passed "
                    + "(the schedule itself records the coming ones)"));
        }
        Mode mode = choice(body, "mode", Mode.class, Mode.MISSED, errors);
        Overlap overlap = choice(body, "overlap", Overlap.class, Overlap.SKIP, errors);
        boolean preview = false;
        JsonNode p = body.get("preview");
        if (p != null && !p.isNull()) {
            if (p.isBoolean()) {
                preview = p.booleanValue();
            } else {
                errors.add(error("preview", "'preview' must be true or false"));
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new BackfillRequest(from, to, mode, overlap, preview);
    }

    private static Instant instant(JsonNode body, String name, List<Map<String, Object>> errors) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            errors.add(error(name, "'" + name + "' is required: an ISO-8601 instant such as 2026-11-01T00:00:00Z"));
            return null;
        }
        try {
            return Instant.parse(value.asString());
        } catch (DateTimeParseException e) {
            errors.add(error(name, "'" + name + "' must be an ISO-8601 instant such as 2026-11-01T00:00:00Z; found " + value));
            return null;
        }
    }

    private static <E extends Enum<E>> E choice(JsonNode body, String name, Class<E> type, E fallback,
                                                List<Map<String, Object>> errors) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        if (value.isString() && allowed.contains(value.asString())) {
            return Enum.valueOf(type, value.asString().toUpperCase(Locale.ROOT));
        }
        errors.add(error(name, "'" + name + "' must be one of " + String.join(", ", allowed) + "; found " + value));
        return fallback;
    }

    static Map<String, Object> error(String path, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("path", path);
        error.put("message", message);
        return error;
    }

    static Invalid invalid(List<Map<String, Object>> errors) {
        String detail = errors.size() == 1 ? (String) errors.getFirst().get("message")
                : "The backfill request has " + errors.size() + " problems";
        return Invalid.errors(detail, errors);
    }
}
