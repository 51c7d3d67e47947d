package dev.braid.app.triggers.cdc;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.ConcurrencySlots;
import dev.braid.app.store.EventStore;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a row change into a trigger event and a queued run for every recipe on the source that wants
 * it — one statement each ({@link EventStore}), committed before the reader marks the change processed.
 * Runs are queued (not started on this node), so the reader never waits for a worker.
 */
@Component
class CdcIngress {

    /** A recipe on a source, at the version whose trigger it was started with. */
    record Route(String slug, int version, dev.braid.engine.model.Recipe recipe,
                 dev.braid.engine.model.TriggerSettings.Cdc trigger) {}

    private static final Logger log = LoggerFactory.getLogger(CdcIngress.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EventStore events;
    private final JdbcClient jdbc;
    private final ConcurrencySlots slots;
    private final Expressions expressions;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration dedupeWindow;

    CdcIngress(EventStore events, JdbcClient jdbc, ConcurrencySlots slots, Expressions expressions, JsonMapper json, Clock clock,
               BraidProperties properties) {
        this.events = events;
        this.jdbc = jdbc;
        this.slots = slots;
        this.expressions = expressions;
        this.json = json;
        this.clock = clock;
        this.dedupeWindow = properties.cdc().dedupeWindow();
    }

    /** Ingests {@code change} for each matching route; returns how many runs it started (duplicates excluded). */
    int ingest(CdcChange change, List<Route> routes) {
        int started = 0;
        ObjectNode trigger = change.trigger();
        for (Route route : routes) {
            if (!route.trigger().wants(change.table(), change.op())) {
                continue;
            }
            String key = key(route, change, trigger);
            ConcurrencySlots.Slot slot = slots.of(route.recipe(), trigger).orElse(null);
            EventStore.Ingested ingested;
            try {
                ingested = events.ingest(route.slug(), route.version(), key, clock.instant().plus(dedupeWindow),
                        trigger, slot, null, null);
            } catch (DataIntegrityViolationException e) {
                if (recipeExists(route.slug())) {
                    throw e; // not the race below: the batch fails and is read again
                }
                // Deleted since the last reconcile: the change is not for it any more.
                log.info("Recipe {} was deleted; a change of {} is not ingested for it", route.slug(), change.table());
                continue;
            }
            if (!ingested.duplicate()) {
                started++;
            }
        }
        return started;
    }

    /**
     * The recipe's {@code idempotencyKey} over {@code {trigger}}, else the change's position and primary
     * key. An expression that fails or yields nothing falls back to the natural key: unlike a webhook
     * there is no sender to refuse, and dropping the change would lose it.
     */
    private boolean recipeExists(String slug) {
        return jdbc.sql("select exists (select 1 from recipes where slug = ?)").param(slug).query(Boolean.class).single();
    }

    private String key(Route route, CdcChange change, ObjectNode trigger) {
        String expression = route.trigger().idempotencyKey();
        if (expression != null) {
            try {
                JsonNode value = expressions.evaluate(expression, NODES.objectNode().set("trigger", trigger));
                if (value != null && !value.isMissingNode() && !value.isNull()) {
                    return "key:" + (value.isString() ? value.asString() : json.writeValueAsString(value));
                }
            } catch (ExpressionException e) {
                log.warn("Recipe {}: the idempotencyKey expression failed on a change of {} ({}); using the change's position",
                        route.slug(), change.table(), e.getMessage());
            }
        }
        return change.naturalKey();
    }
}
