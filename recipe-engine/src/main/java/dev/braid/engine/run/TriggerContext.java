package dev.braid.engine.run;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code trigger} object that expressions see. A batch run's stored trigger already holds its
 * {@code events}; a per-event run's does not, so it is given a one-element {@code events} array holding
 * its own event. A recipe written over {@code trigger.events} therefore runs unchanged per event or in
 * micro-batches (README, "Hybrid processing").
 *
 * <p>The array is made here, when a context is built, rather than stored with the run: the event is not
 * written twice, and runs stored before this existed get it too. The copy is shallow (the event's
 * fields are shared, not copied), so it costs one small object per run.
 */
public final class TriggerContext {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TriggerContext() {
    }

    /**
     * The context of a key expression ({@code idempotencyKey}, {@code concurrency.key}, {@code ordering.key},
     * {@code batch.key}): {@code {trigger}}, the trigger seen as steps see it, so a key may be written over
     * {@code trigger.events} as well as over {@code trigger.body}.
     */
    public static JsonNode keyScope(JsonNode stored) {
        ObjectNode scope = NODES.objectNode();
        scope.set("trigger", of(stored));
        return scope;
    }

    /** The trigger as expressions see it: {@code stored} with an {@code events} array. */
    public static JsonNode of(JsonNode stored) {
        if (stored == null || stored.isNull() || stored.isMissingNode()) {
            ObjectNode empty = NODES.objectNode();
            empty.putArray("events");
            return empty;
        }
        if (!stored.isObject() || stored.has("events")) {
            return stored;
        }
        ObjectNode view = NODES.objectNode();
        view.setAll((ObjectNode) stored);
        view.putArray("events").add(stored);
        return view;
    }
}
