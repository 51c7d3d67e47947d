package dev.braid.app.triggers.cdc;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a row change into a trigger event and a queued run for every recipe on the source that wants
 * it — through {@link Ingestion}, one statement each, committed before the reader marks the change
 * processed. Runs are queued (not started on this node), so the reader never waits for a worker. The
 * natural key is the change's position and primary key; a failing idempotencyKey expression makes the
 * change a dead letter for that recipe (Ingestion's rule) instead of stopping the reader.
 */
@Component
class CdcIngress {

    /** A recipe on a source, at the version whose trigger it was started with. */
    record Route(String slug, int version, dev.braid.engine.model.Recipe recipe,
                 dev.braid.engine.model.TriggerSettings.Cdc trigger) {}

    private static final Logger log = LoggerFactory.getLogger(CdcIngress.class);

    private final Ingestion ingestion;
    private final JdbcClient jdbc;

    CdcIngress(Ingestion ingestion, JdbcClient jdbc) {
        this.ingestion = ingestion;
        this.jdbc = jdbc;
    }

    /** Ingests {@code change} for each matching route; returns how many runs it started (duplicates excluded). */
    int ingest(CdcChange change, List<Route> routes) {
        int started = 0;
        ObjectNode trigger = change.trigger();
        for (Route route : routes) {
            if (!route.trigger().wants(change.table(), change.op())) {
                continue;
            }
            Ingestion.Accepted accepted;
            try {
                accepted = ingestion.accept(new Ingestion.Target(route.slug(), route.version(), route.recipe(), "trigger"),
                        TriggerEvent.of(trigger, change.naturalKey()));
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

    private boolean recipeExists(String slug) {
        return jdbc.sql("select exists (select 1 from recipes where slug = ?)").param(slug).query(Boolean.class).single();
    }
}
