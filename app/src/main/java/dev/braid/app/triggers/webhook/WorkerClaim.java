package dev.braid.app.triggers.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.queue.RunWorker;
import dev.braid.app.store.RunRow;
import dev.braid.engine.run.RunStatus;
import tools.jackson.databind.node.ObjectNode;

/**
 * This node's spare worker capacity as an {@link Ingestion.Claim}: with room, a webhook's run is inserted
 * already leased here and started at once — no NOTIFY, no claim query, and the run row is committed
 * before anything executes.
 */
record WorkerClaim(RunWorker worker, Clock clock) implements Ingestion.Claim {

    @Override
    public boolean tryReserve() {
        return worker.tryReserve();
    }

    @Override
    public String nodeId() {
        return worker.nodeId();
    }

    @Override
    public Duration lease() {
        return worker.lease();
    }

    @Override
    public void queuedRunStored() {
        worker.queuedRunStored();
    }

    @Override
    public void cancel() {
        worker.cancelReservation();
    }

    @Override
    public void run(Ingestion.Target recipe, UUID eventId, UUID runId, ObjectNode trigger) {
        Instant now = clock.instant();
        worker.runReserved(new RunRow(runId, recipe.slug(), recipe.version(), RunStatus.RUNNING, recipe.origin(), null, eventId, trigger,
                1, now, worker.nodeId(), null, now, now, null, null, null, null));
    }
}
