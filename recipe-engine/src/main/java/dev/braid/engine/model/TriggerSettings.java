package dev.braid.engine.model;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * The typed settings of a recipe's one trigger (ARCHITECTURE §2), read and checked once by the parser; the
 * trigger runtimes use these records and never read the recipe's JSON again. Defaults are applied
 * here. Templates ({@code {{ }}}) inside a setting — a webhook's {@code secret}, a poll's
 * {@code query} and {@code with} — are kept as written: they may name secrets, so they are rendered
 * only where they are used, by the app's one resolver that knows the secret store.
 *
 * <pre>{@code
 * switch (recipe.trigger().settings()) {
 *     case TriggerSettings.Kafka k -> consume(k.topic(), k.batch());
 *     case TriggerSettings.Schedule s -> schedule(s.cron(), s.timezone());
 *     default -> {}
 * }
 * }</pre>
 */
public sealed interface TriggerSettings
        permits TriggerSettings.Webhook, TriggerSettings.Kafka, TriggerSettings.Cdc, TriggerSettings.Schedule,
                TriggerSettings.Poll, TriggerSettings.Manual, TriggerSettings.Source {

    Trigger.Type type();

    /**
     * The recipe's own idempotency key: a bare JSONata expression over {@code {trigger}}, or null. The
     * trigger types that have one (webhook, kafka, cdc, poll) answer their setting; the others none.
     */
    default String idempotencyKey() {
        return null;
    }

    /**
     * {@code webhook:}. {@code secret} is a template (usually {@code "{{ secrets.NAME }}"}) or null for
     * unsigned webhooks; {@code idempotencyKey} a bare JSONata expression over the trigger context or null.
     */
    record Webhook(
            String secret,
            String idempotencyKey,
            Duration dedupeWindow,
            boolean syncResponse,
            Duration respondTimeout,
            RateLimit rateLimit) implements TriggerSettings {

        public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofHours(24);
        public static final Duration DEFAULT_RESPOND_TIMEOUT = Duration.ofSeconds(30);

        @Override
        public Trigger.Type type() {
            return Trigger.Type.WEBHOOK;
        }
    }

    /** {@code rateLimit: {requests, per}} of a webhook; {@code per} defaults to one second. */
    record RateLimit(int requests, Duration per) {}

    /**
     * {@code batch: {maxSize, maxWait, key}} of a kafka, cdc or poll trigger: a batch is flushed at
     * {@code maxSize} events or {@code maxWait} after its first; {@code key} (a bare expression or null)
     * keeps one batch per value. A poll reads all its rows at once, so it uses only {@code maxSize}.
     */
    record Batch(int maxSize, Duration maxWait, String key) {
        public static final int DEFAULT_MAX_SIZE = 500;
        public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);
    }

    /**
     * {@code kafka:}. {@code connection} is a kafka connection, or null for Braid's own Kafka;
     * {@code startFrom} applies only while the consumer group has no committed offset.
     */
    record Kafka(String topic, String connection, Format format, StartFrom startFrom, String idempotencyKey,
                 Batch batch) implements TriggerSettings {

        public enum Format { JSON, TEXT }

        /** Kafka's {@code auto.offset.reset}. */
        public enum StartFrom {
            EARLIEST, LATEST;

            public String wire() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        /** Whether record values are read as JSON (else as text). */
        public boolean json() {
            return format == Format.JSON;
        }

        @Override
        public Trigger.Type type() {
            return Trigger.Type.KAFKA;
        }
    }

    /**
     * {@code cdc:}. {@code tables} are qualified and lower-cased as PostgreSQL folds unquoted names
     * ({@code orders} → {@code public.orders}); {@code operations} default to all three;
     * {@code snapshot} is whether the rows that exist when the source is first read are wanted
     * ({@code snapshot: initial}); {@code batch} null for one run per change.
     */
    record Cdc(String connection, List<String> tables, Set<Operation> operations, boolean snapshot,
               String idempotencyKey, Batch batch) implements TriggerSettings {

        public enum Operation {
            INSERT, UPDATE, DELETE;

            public String wire() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public Cdc {
            tables = List.copyOf(tables);
            operations = Set.copyOf(operations);
        }

        /** One run per change (no {@code batch}). */
        public Cdc(String connection, List<String> tables, Set<Operation> operations, boolean snapshot, String idempotencyKey) {
            this(connection, tables, operations, snapshot, idempotencyKey, null);
        }

        /** Whether a change of {@code op} ({@code insert|update|delete|read}) on {@code table} is for this recipe. */
        public boolean wants(String table, String op) {
            if (!tables.contains(table)) {
                return false;
            }
            if ("read".equals(op)) {
                return snapshot;
            }
            return operations.stream().anyMatch(o -> o.wire().equals(op));
        }

        @Override
        public Trigger.Type type() {
            return Trigger.Type.CDC;
        }
    }

    /**
     * {@code schedule:}. {@code cron} is kept as written (the scheduler reads it); {@code timezone}
     * defaults to UTC and {@code catchUp} to {@link CatchUp#LAST}.
     */
    record Schedule(String cron, ZoneId timezone, CatchUp catchUp) implements TriggerSettings {

        /** What happens to fire times missed while no node was running the schedule. */
        public enum CatchUp {
            /** Skip them. */
            NONE,
            /** One run, for the most recent missed fire time. */
            LAST,
            /** One run per missed fire time (at most {@code braid.schedules.max-catch-up}, the most recent). */
            ALL;

            public String wire() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        @Override
        public Trigger.Type type() {
            return Trigger.Type.SCHEDULE;
        }
    }

    /**
     * {@code poll:}: exactly one of {@code every} and {@code cron} (UTC), exactly one of {@code query}
     * (over the sql {@code connection}) and {@code action} (with {@code with}, or an empty mapping);
     * {@code cursor} is the row field whose last value is kept, {@code initialCursor} a single value or
     * null; {@code batch} null for one run per row.
     */
    record Poll(String connection, Duration every, String cron, String query, String action, JsonNode with,
                String cursor, JsonNode initialCursor, String idempotencyKey, Batch batch) implements TriggerSettings {

        @Override
        public Trigger.Type type() {
            return Trigger.Type.POLL;
        }
    }

    /**
     * The settings of a trigger served by a connector's {@code TriggerSource} ({@code mqtt:}, {@code amqp:}):
     * what every such trigger has in common, read and checked by the parser — {@code connection} (required:
     * a connection of the connector that ships the source), {@code idempotencyKey}, {@code dedupe.window}
     * (how long natural keys are remembered; null: for ever) and {@code batch} — and {@code options}, the
     * whole mapping as written, checked against the source's settings schema, from which the source reads
     * its own settings ({@code topics}, {@code queue}, ...).
     */
    record Source(Trigger.Type type, String connection, String idempotencyKey, Duration dedupeWindow, Batch batch,
                  JsonNode options) implements TriggerSettings {

        public Source {
            if (!type.connectorSource()) {
                throw new IllegalArgumentException(type.wire() + " is not a connector trigger type");
            }
        }
    }

    /** {@code manual: {}}: started only by the API, by {@code call:} or by {@code onError.notify}. */
    record Manual() implements TriggerSettings {
        @Override
        public Trigger.Type type() {
            return Trigger.Type.MANUAL;
        }
    }
}
