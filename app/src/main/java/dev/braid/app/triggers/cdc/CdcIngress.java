package dev.braid.app.triggers.cdc;

import java.util.List;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.store.KeyExpression;
import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a row change into a trigger event and a queued run for every recipe on the source that wants
 * it — through {@link Ingestion}, one statement each, committed before the reader marks the change
 * processed. Runs are queued (not started on this node), so the reader never waits for a worker. The
 * natural key is the change's position and primary key; a failing idempotencyKey expression makes the
 * change a dead letter for that recipe (Ingestion's rule) instead of stopping the reader. A recipe with
 * {@code batch} gets its changes collected by the reader ({@link CdcBatches}) and written here as one
 * batch run each ({@link #ingestBatch}).
 */
@Component
class CdcIngress {

    /** A recipe on a source, at the version whose trigger it was started with. */
    record Route(String slug, int version, dev.braid.engine.model.Recipe recipe,
                 dev.braid.engine.model.TriggerSettings.Cdc trigger) {}

    private static final Logger log = LoggerFactory.getLogger(CdcIngress.class);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Ingestion ingestion;
    private final JdbcClient jdbc;
    private final Expressions expressions;

    CdcIngress(Ingestion ingestion, JdbcClient jdbc, Expressions expressions) {
        this.ingestion = ingestion;
        this.jdbc = jdbc;
        this.expressions = expressions;
    }

    /**
     * Ingests {@code change} for each matching route without {@code batch}, and hands it to {@code batched}
     * for each matching route with one; returns how many runs it started (duplicates excluded).
     */
    int ingest(CdcChange change, List<Route> routes, BiConsumer<Route, TriggerEvent> batched) {
        int started = 0;
        ObjectNode trigger = change.trigger();
        for (Route route : routes) {
            if (!route.trigger().wants(change.table(), change.op())) {
                continue;
            }
            TriggerEvent event = TriggerEvent.of(trigger, change.naturalKey());
            if (route.trigger().batch() != null) {
                batched.accept(route, event);
                continue;
            }
            Ingestion.Accepted accepted;
            try {
                accepted = ingestion.accept(new Ingestion.Target(route.slug(), route.version(), route.recipe(), "trigger"), event);
            } catch (DataIntegrityViolationException e) {
                if (recipeExists(route.slug())) {
                    throw e; // not the race below: the batch fails and is read again
                }
                // Deleted since the last reconcile: the change is not for it any more.
                log.info("Recipe {} was deleted; a change of {} is not ingested for it", route.slug(), change.table());
                continue;
            }
            if (accepted.outcome() == Ingestion.Outcome.STARTED) {
                started++;
            }
        }
        return started;
    }

    /**
     * One batch run of {@code events} (commit order) for the route, its trigger {@code {type: cdc, batch: true,
     * key?, events}}; true when it started a run (false: all were duplicates, or the recipe is gone).
     */
    boolean ingestBatch(Route route, JsonNode key, List<TriggerEvent> events) {
        ObjectNode header = NODES.objectNode().put("type", "cdc").put("batch", true);
        if (key != null) {
            header.set("key", key);
        }
        try {
            return ingestion.accept(new Ingestion.Target(route.slug(), route.version(), route.recipe(), "trigger"),
                    new Ingestion.Batch(header, events, false)).outcome() == Ingestion.Outcome.STARTED;
        } catch (DataIntegrityViolationException e) {
            if (recipeExists(route.slug())) {
                throw e;
            }
            log.info("Recipe {} was deleted; a batch of {} changes is not ingested for it", route.slug(), events.size());
            return false;
        }
    }

    /** The event's {@code batch.key} value; a key that is missing, null or fails to evaluate puts it in the group without a key. */
    JsonNode batchKey(Route route, TriggerEvent event) {
        String expression = route.trigger().batch().key();
        if (expression == null) {
            return null;
        }
        return switch (KeyExpression.evaluate(expressions, expression, event.context())) {
            case KeyExpression.Value v -> v.json();
            case KeyExpression.Absent a -> null;
            case KeyExpression.Failed f -> {
                log.debug("batch.key of recipe '{}' failed on {}: {}", route.slug(), event.naturalKey(), f.message());
                yield null;
            }
        };
    }

    private boolean recipeExists(String slug) {
        return jdbc.sql("select exists (select 1 from recipes where slug = ?)").param(slug).query(Boolean.class).single();
    }
}
