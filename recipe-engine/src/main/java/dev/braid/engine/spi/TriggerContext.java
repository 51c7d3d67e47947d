package dev.braid.engine.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a started {@link TriggerSource} may know and do for one recipe version. The server backs it
 * with its one ingestion path, so events from a source get the same idempotency keys, dedupe,
 * concurrency slots and dead letters as a webhook's. {@code accept} and {@code unreadable} are called from
 * one thread at a time; {@code evaluateKey} from any thread.
 */
public interface TriggerContext {

    /** The recipe's slug, e.g. {@code orders-to-erp}. */
    String recipe();

    /** The recipe version the runs are for; a new version gets a new source. */
    int version();

    /** The trigger's settings, parsed and checked (e.g. {@link TriggerSettings.Kafka}). */
    TriggerSettings settings();

    /**
     * The connection to read from: its settings with secrets opened, in the shape of the connector's
     * {@link Connector#connectionSchema()} — the one the trigger names, else the connector's default
     * (Braid's own Kafka for {@code kafka}).
     */
    JsonNode connection();

    /**
     * One run per event. Returns only after the events and their runs are committed (see
     * {@link TriggerSource}'s contract: acknowledge after this, never before); an event whose natural key
     * was seen before starts nothing. Throws when they could not be stored.
     */
    void accept(List<SourceEvent> events);

    /**
     * One run for many events (a micro-batch): its trigger is {@code header} (with {@code type}) plus
     * {@code events}, the events' trigger contexts in the given order. Same commit rule as {@link #accept(List)}.
     */
    void accept(ObjectNode header, List<SourceEvent> events);

    /**
     * An event the source could not read as the recipe asks (not UTF-8, not JSON): a dead letter without
     * a run, at most one per {@code naturalKey}; {@code raw} is what was received, for a person to read.
     * Committed when it returns, so the event may be acknowledged.
     */
    void unreadable(String naturalKey, String message, JsonNode raw);

    /**
     * Evaluates a key expression of the recipe (such as {@code batch.key}) over one event's trigger object,
     * seen as the run's steps see it ({@code trigger.body}, {@code trigger.events[0]} ...), with the
     * server's limits and its one wording of keys; null when it yields nothing (missing or null), and
     * {@link dev.braid.engine.expr.ExpressionException} when it fails.
     */
    JsonNode evaluateKey(String expression, JsonNode trigger);

    /**
     * The longest a source should block in one read of the outside system, so that a stop or a batch's
     * {@code maxWait} is noticed in time (for Kafka {@code braid.kafka.poll-timeout}).
     */
    Duration pollTimeout();

    /**
     * How long a source waits after a failure (the database or the outside system unreachable) before
     * it reads again from its last acknowledgement (for Kafka {@code braid.kafka.retry-delay}).
     */
    Duration retryDelay();

    /** The server's log, under this source's recipe and type. */
    RunLog log();

    Clock clock();
}
