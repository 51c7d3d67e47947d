package dev.braid.app.triggers.cdc;

import java.io.IOException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.config.BraidProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Debezium embedded engine (PostgreSQL connector, {@code pgoutput}) reading one source for every
 * recipe on it. Each batch of changes is ingested (event + run per matching recipe, committed), then
 * every record of the batch is marked processed and the batch finished. Changes for a recipe with
 * {@code batch} wait in {@link CdcBatches} until their batch run is due (maxSize here, maxWait also by
 * a timer); a record is marked processed only once all its changes are in committed runs, in order. With
 * {@code offset.flush.interval.ms=0} Debezium then flushes the offsets to {@link CdcOffsetStore} and
 * confirms the position to the slot. A crash in between repeats changes, which the unique
 * (recipe, idempotency_key) absorbs; it never skips one.
 */
final class SourceReader {

    private static final Logger log = LoggerFactory.getLogger(SourceReader.class);
    private static final long BATCH_TICK_MILLIS = 50;

    private final CdcSource source;
    private final Set<String> tables;
    private final boolean snapshot;
    private final CdcIngress ingress;
    private final CdcOffsets offsets;
    private final JsonMapper json;
    private final BraidProperties.Cdc settings;
    private final String binding = UUID.randomUUID().toString();
    private final AtomicLong runsStarted = new AtomicLong();
    private volatile List<CdcIngress.Route> routes;
    private volatile Throwable failure;
    private volatile boolean finished;
    private volatile boolean stopping;
    private long startedAt;
    private DebeziumEngine<ChangeEvent<String, String>> engine;
    private ExecutorService thread;
    /** Guarded by itself: used by the Debezium thread and the maxWait timer. */
    private final CdcBatches<ChangeEvent<String, String>> batches = new CdcBatches<>();
    private ScheduledExecutorService timer;

    SourceReader(CdcSource source, Set<String> tables, boolean snapshot, List<CdcIngress.Route> routes, CdcIngress ingress,
                 CdcOffsets offsets, JsonMapper json, BraidProperties.Cdc settings) {
        this.source = source;
        this.tables = Set.copyOf(tables);
        this.snapshot = snapshot;
        this.routes = List.copyOf(routes);
        this.ingress = ingress;
        this.offsets = offsets;
        this.json = json;
        this.settings = settings;
    }

    void start() {
        CdcOffsetStore.bind(binding, source.name(), offsets);
        startedAt = System.nanoTime();
        engine = DebeziumEngine.create(Json.class)
                .using(properties())
                .using((success, message, error) -> {
                    failure = error;
                    finished = true;
                    if (!success && !stopping) { // a reader stopped while it starts ends "unsuccessfully" too
                        log.warn("CDC reader of connection '{}' stopped: {}", source.name(), message, error);
                    }
                })
                .notifying(this::handleBatch)
                .build();
        thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("braid-cdc-" + source.name()).daemon().unstarted(r));
        thread.execute(engine);
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("braid-cdc-batch-" + source.name()).daemon().unstarted(r));
        timer.scheduleWithFixedDelay(this::flushWaited, BATCH_TICK_MILLIS, BATCH_TICK_MILLIS, TimeUnit.MILLISECONDS);
        log.info("CDC reader of connection '{}' started on {} (slot {}, snapshot {})", source.name(), tables, source.slot(),
                snapshot ? "initial" : "never");
    }

    private void handleBatch(List<ChangeEvent<String, String>> records,
                             DebeziumEngine.RecordCommitter<ChangeEvent<String, String>> committer) throws InterruptedException {
        List<CdcIngress.Route> current = routes;
        synchronized (batches) {
            long now = System.nanoTime();
            for (ChangeEvent<String, String> record : records) {
                batches.read(record);
                CdcChange.read(record.key(), record.value(), json)
                        .ifPresent(change -> runsStarted.addAndGet(ingress.ingest(change, current,
                                (route, event) -> batches.add(route, ingress.batchKey(route, event), event, now))));
            }
            batches.flushDue(System.nanoTime(), this::writeBatch);
            for (ChangeEvent<String, String> record : batches.markable()) {
                committer.markProcessed(record);
            }
        }
        committer.markBatchFinished();
    }

    private void writeBatch(CdcIngress.Route route, tools.jackson.databind.JsonNode key, List<dev.braid.app.ingest.TriggerEvent> events) {
        if (ingress.ingestBatch(route, key, events)) {
            runsStarted.incrementAndGet();
        }
    }

    /**
     * The timer's turn: batches past their maxWait are written even when no change arrives. Their records
     * are marked processed by the next delivery (a change or a heartbeat); until then a restart reads them
     * again and their keys drop them.
     */
    private void flushWaited() {
        try {
            synchronized (batches) {
                batches.flushDue(System.nanoTime(), this::writeBatch);
            }
        } catch (RuntimeException e) {
            log.warn("Writing a CDC batch run of connection '{}' failed; trying again: {}", source.name(), e.toString());
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.setProperty("name", "braid-cdc-" + source.name());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", source.slot());
        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", Integer.toString(source.port()));
        p.setProperty("database.dbname", source.database());
        if (source.username() != null) {
            p.setProperty("database.user", source.username());
        }
        if (source.password() != null) {
            p.setProperty("database.password", source.password());
        }
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", source.slot());
        p.setProperty("publication.name", source.publication());
        p.setProperty("publication.autocreate.mode", "disabled"); // SourceObjects keeps the table list
        p.setProperty("table.include.list", tables.stream().sorted().map(TableName::pattern).collect(Collectors.joining(",")));
        // A snapshot only happens when the source has no offsets yet (its first start).
        p.setProperty("snapshot.mode", snapshot ? "initial" : "no_data");
        p.setProperty("offset.storage", CdcOffsetStore.class.getName());
        p.setProperty(CdcOffsetStore.BINDING, binding);
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
        p.setProperty("poll.interval.ms", Long.toString(Math.max(1, settings.pollInterval().toMillis())));
        // The slot stays active for a moment after the previous reader (here or on a dead node) let go;
        // Debezium's default waits 10 s between tries. A reader that gives up is started again by the next reconcile.
        p.setProperty("slot.retry.delay.ms", "500");
        p.setProperty("slot.max.retries", "20");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        p.setProperty("converter.schemas.enable", "false");
        return p;
    }

    /** Later recipe versions on the same tables take effect without a restart. */
    void routes(List<CdcIngress.Route> routes) {
        this.routes = List.copyOf(routes);
    }

    Set<String> tables() {
        return tables;
    }

    boolean snapshot() {
        return snapshot;
    }

    /** False once the engine has stopped on its own (an error); the runtime starts a new one. */
    boolean running() {
        return !finished;
    }

    java.time.Duration ranFor() {
        return java.time.Duration.ofNanos(System.nanoTime() - startedAt);
    }

    Throwable failure() {
        return failure;
    }

    long runsStarted() {
        return runsStarted.get();
    }

    /**
     * Debezium refuses to close an engine whose tasks are still starting (it would leak them), so a
     * reader stopped right after its start waits for that, up to the engine's own 40 s task timeout.
     */
    private void closeEngine() {
        if (engine == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (true) {
            try {
                engine.close();
                return;
            } catch (IllegalStateException e) {
                if (finished || System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("starting")) {
                    log.warn("Stopping the CDC reader of connection '{}' failed: {}", source.name(), e.toString());
                    return;
                }
            } catch (IOException | RuntimeException e) {
                log.warn("Stopping the CDC reader of connection '{}' failed: {}", source.name(), e.toString());
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops the engine (it commits the offsets of what was processed) and waits for its thread. */
    void stop() {
        stopping = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        closeEngine();
        if (thread != null) {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("The CDC reader of connection '{}' did not stop within 30 s", source.name());
                    thread.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CdcOffsetStore.unbind(binding);
    }
}
