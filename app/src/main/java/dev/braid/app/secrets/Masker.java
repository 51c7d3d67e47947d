package dev.braid.app.secrets;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.braid.engine.run.StepError;
import dev.braid.engine.run.StepRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replaces secret values with {@code ***} wherever run history would keep them: step inputs and
 * outputs, errors, log lines. It knows the values a run could see (its secrets and the secret fields
 * of the connections it used). Values shorter than {@link #MIN_LENGTH} are not masked: they would
 * turn ordinary text into stars and guard next to nothing.
 */
public final class Masker {

    public static final String MASK = "***";
    static final int MIN_LENGTH = 4;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Set<String> values = ConcurrentHashMap.newKeySet();
    /** The values longest first, so a secret containing another is masked whole; rebuilt on each new value. */
    private volatile List<String> ordered = List.of();

    public void add(String value) {
        if (value != null && value.length() >= MIN_LENGTH && values.add(value)) {
            ordered = values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        }
    }

    /** Adds every string inside {@code node}. */
    public void addAll(JsonNode node) {
        if (node == null) {
            return;
        }
        if (node.isString()) {
            add(node.asString());
        } else if (node.isContainer()) {
            node.values().forEach(this::addAll);
        }
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public String mask(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : ordered) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }

    public JsonNode mask(JsonNode node) {
        if (node == null || values.isEmpty()) {
            return node;
        }
        if (node.isString()) {
            String masked = mask(node.asString());
            return masked.equals(node.asString()) ? node : NODES.stringNode(masked);
        }
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.set(mask(e.getKey()), mask(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.values().forEach(v -> out.add(mask(v)));
            return out;
        }
        return node;
    }

    public StepRecord mask(StepRecord r) {
        if (values.isEmpty()) {
            return r;
        }
        StepError error = r.error() == null ? null : new StepError(r.error().type(), mask(r.error().message()), r.error().retryable());
        return new StepRecord(r.path(), r.status(), r.attempts(), mask(r.input()), mask(r.output()), error,
                r.startedAt(), r.finishedAt());
    }
}
