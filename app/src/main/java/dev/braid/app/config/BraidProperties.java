package dev.braid.app.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.braid.engine.expr.ExpressionLimits;

/**
 * Braid's own settings ({@code braid.*}, or environment variables such as {@code BRAID_HOME}). The
 * README's settings table documents each one.
 */
@ConfigurationProperties("braid")
public record BraidProperties(
        @DefaultValue("./.braid") Path home,
        @DefaultValue Admin admin,
        @DefaultValue Worker worker,
        @DefaultValue Limits limits,
        @DefaultValue Samples samples,
        @DefaultValue Master master,
        @DefaultValue Triggers triggers,
        @DefaultValue Schedules schedules,
        @DefaultValue Poll poll,
        @DefaultValue Cdc cdc,
        @DefaultValue Kafka kafka,
        @DefaultValue Retention retention,
        @DefaultValue SignIn signIn,
        @DefaultValue Http http) {

    /**
     * The HTTP connector beyond Tomcat's own {@code server.tomcat.*} settings: a connection whose request
     * line and headers have not all arrived {@code headerTimeout} after they began is closed (slow clients
     * dribbling header lines reset Tomcat's per-read timeout and would hold the connection for ever).
     */
    public record Http(@DefaultValue("10s") Duration headerTimeout) {}

    /**
     * Throttling of failed sign-ins (HTTP Basic and {@code POST /api/v1/session}), per node in memory.
     * One user from one address gets {@code maxFailures} wrong passwords, then each further failure holds
     * that pair off for {@code firstHold}, doubling, at most {@code maxHold}. Looser bounds catch guessing
     * spread over addresses or users: after {@code maxUserFailures} failures of one user from all
     * addresses together, the addresses that have failed for that user are held off (an address without
     * failures still signs in), and after {@code maxAddressFailures} failures from one address over all
     * users, that address is; both holds at most {@code maxSharedHold}, so an attacker cannot lock a real
     * user out for long. Failures are forgotten {@code window} after the last one (or after the hold).
     */
    public record SignIn(
            @DefaultValue("5") int maxFailures,
            @DefaultValue("20") int maxUserFailures,
            @DefaultValue("50") int maxAddressFailures,
            @DefaultValue("15m") Duration window,
            @DefaultValue("1s") Duration firstHold,
            @DefaultValue("15m") Duration maxHold,
            @DefaultValue("1m") Duration maxSharedHold) {}

    /**
     * Schedule triggers: at most {@code maxCatchUp} missed fire times are recorded per recipe after
     * downtime with {@code catchUp: all} (the most recent; older ones can be backfilled), and one
     * backfill request covers at most {@code maxBackfill} fire times; backfill runs queued behind a
     * fire time's active run ({@code overlap: queue}) are started within {@code overlapCheck} of its end.
     */
    public record Schedules(
            @DefaultValue("100") int maxCatchUp,
            @DefaultValue("1000") int maxBackfill,
            @DefaultValue("2s") Duration overlapCheck) {}

    /**
     * Poll triggers: a poll's source read ({@code query} or {@code action}) is given up after
     * {@code timeout}; a poll ingests at most {@code maxRows} rows (the rest come with the next poll,
     * from the moved cursor); {@code threads} pollers run at once on a node.
     */
    public record Poll(
            @DefaultValue("30s") Duration timeout,
            @DefaultValue("1000") int maxRows,
            @DefaultValue("4") int threads) {}

    /**
     * Change data capture readers (one Debezium engine per source database, on one node of the
     * cluster): {@code heartbeatInterval} lets an idle source confirm its position so the server can
     * recycle WAL; {@code pollInterval} is how long the reader waits for more changes before it hands
     * over a batch; {@code dedupeWindow} how long the idempotency key of a change is remembered
     * (a repeat after a crash comes within seconds; the window only bounds the table).
     */
    public record Cdc(
            @DefaultValue("10s") Duration heartbeatInterval,
            @DefaultValue("200ms") Duration pollInterval,
            @DefaultValue("7d") Duration dedupeWindow) {}

    /**
     * Braid's own Kafka and the Kafka triggers: {@code embedded} starts a loopback-only broker in this
     * JVM when no {@code spring.kafka.bootstrap-servers} is set — unset, only on the embedded database: a node on
     * an external database shares it with other nodes, which would never see a broker inside this one, so
     * without bootstrap servers it runs with Kafka features off unless {@code embedded} is {@code true};
     * {@code pollTimeout} is the longest a
     * trigger's consumer waits in one poll (a batch's {@code maxWait} shortens it); after a failure
     * (the database or the cluster unreachable) a consumer is rebuilt after {@code retryDelay}, from
     * its last committed offsets.
     */
    public record Kafka(
            Boolean embedded,
            @DefaultValue("500ms") Duration pollTimeout,
            @DefaultValue("5s") Duration retryDelay) {}

    /**
     * Event triggers that listen on each node (Kafka, CDC, MQTT, AMQP): how often every node compares its
     * listeners with the recipes table, so an enable, disable or new version made anywhere arrives within
     * that time; for the connectors' message triggers (mqtt, amqp) the longest single wait for a message
     * ({@code pollTimeout}, a batch's {@code maxWait} shortens it) and the pause before connecting again
     * after a failure ({@code retryDelay}).
     */
    public record Triggers(
            @DefaultValue("2s") Duration refresh,
            @DefaultValue("500ms") Duration pollTimeout,
            @DefaultValue("5s") Duration retryDelay) {}

    /**
     * The master key sealing secrets: {@code key} ({@code BRAID_MASTER_KEY}, base64 of 32 bytes; a key
     * file in {@code BRAID_HOME} when unset) and, during a rotation, the {@code previous} key
     * ({@code BRAID_MASTER_PREVIOUS}) whose sealed values are re-sealed with the new key at start.
     */
    public record Master(String key, String previous) {}

    /** {@code password}: the first admin's password ({@code BRAID_ADMIN_PASSWORD}); generated when absent. */
    public record Admin(String password) {}

    /**
     * The run queue's workers on this node: how many runs at once, how often to look for work when no
     * notification arrives, how long a claim is leased and how often leases are renewed and expired
     * ones reclaimed; on shutdown, how long running attempts may finish before the rest are handed back.
     * A run whose lease expires {@code poisonAfter} times in a row without a step finishing (its node
     * died or stalled each time) is given up as poison: failed, with a {@code run.poison} dead letter.
     */
    public record Worker(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("64") int concurrency,
            @DefaultValue("32") int claimBatch,
            @DefaultValue("2s") Duration pollInterval,
            @DefaultValue("30s") Duration lease,
            @DefaultValue("10s") Duration heartbeat,
            @DefaultValue("5s") Duration reapInterval,
            @DefaultValue("10m") Duration defaultRunTimeout,
            @DefaultValue("100ms") Duration admissionWait,
            @DefaultValue("20s") Duration shutdownGrace,
            @DefaultValue("3") int poisonAfter) {

        public Worker {
            if (poisonAfter < 1) {
                throw new IllegalArgumentException("braid.worker.poison-after must be at least 1 (lease expiries in a row "
                        + "before a run is given up), not " + poisonAfter);
            }
        }
    }

    /** Request body limit (413 above it) and the expression evaluation limits. */
    public record Limits(
            @DefaultValue("1MB") DataSize maxBodySize,
            @DefaultValue("1s") Duration expressionTime,
            @DefaultValue("200") int expressionDepth,
            @DefaultValue("10000000") int expressionStringLength,
            @DefaultValue("1000000") int expressionItems) {

        public ExpressionLimits expressions() {
            return new ExpressionLimits(expressionTime, expressionDepth, expressionStringLength, expressionItems);
        }
    }

    /** Whether the sample recipes are loaded (once, when their slug does not exist yet). */
    public record Samples(@DefaultValue("true") boolean load) {}

    /**
     * Retention (ARCHITECTURE §10): the defaults of a recipe's {@code retention: {history, summaries}}, how
     * often the background pruning runs, how many rows one of its statements touches, and how long one
     * pass may go on before it yields until the next.
     */
    public record Retention(
            @DefaultValue("14d") Duration history,
            @DefaultValue("400d") Duration summaries,
            @DefaultValue("1m") Duration interval,
            @DefaultValue("1000") int batchSize,
            @DefaultValue("20s") Duration passBudget) {}
}
