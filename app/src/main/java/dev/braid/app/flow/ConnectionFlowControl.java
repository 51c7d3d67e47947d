package dev.braid.app.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

import dev.braid.app.connections.ConnectionStore;
import dev.braid.app.kafka.BraidKafka;
import dev.braid.app.queue.NodeIdentity;
import dev.braid.connectors.kafka.KafkaConnector;
import dev.braid.engine.run.ConnectionGuards;
import dev.braid.engine.run.StepError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The connections' circuit breakers and rate limits, built from each connection's {@code flow_control} settings
 * and shared by every node of the cluster through PostgreSQL ({@link FlowLedger}):
 * <ul>
 * <li>a rate limit is a budget of tokens per slice window ({@link RateSlices}); each node leases tokens of the
 * current window ({@link RateBudget}), about once per window when busy, so n nodes together send at most the
 * limit (plus one slice's budget in any period), not n times it; a call waits until its token is due, so the
 * calls of all nodes are spread one token's share of the period apart;</li>
 * <li>each node counts its own calls' outcomes ({@link CircuitWindow}); the first whose window trips opens the
 * circuit for all. A node reads the shared circuit at most every {@code braid.flow.circuit-sync}, so the others
 * stop within that time. Once open for {@code openFor} it is half-open: {@code halfOpenCalls} probes at once
 * cluster-wide; their success closes it everywhere, a failure opens it again.</li>
 * </ul>
 * A call the guard refuses is deferred: the run waits in the queue, no worker thread is held. The settings are
 * looked up again at most every {@link #RECHECK} per connection (no query per call on the hot path); a change
 * rebuilds that connection's guard, and a circuit opened under other settings no longer counts.
 */
@Component
public class ConnectionFlowControl implements ConnectionGuards {

    private static final Logger log = LoggerFactory.getLogger(ConnectionFlowControl.class);

    static final Duration RECHECK = Duration.ofSeconds(2);
    /** How soon a call deferred because its target is still starting looks again. */
    static final Duration STARTING_RECHECK = Duration.ofSeconds(1);

    private final Function<String, Optional<JsonNode>> settingsOf;
    private final Clock clock;
    private final FlowLedger ledger;
    private final String node;
    private final FlowControlSettings flow;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Guard> guards = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RateBudget.Counts> leaseCounts = new ConcurrentHashMap<>();
    private final java.util.Set<String> metered = ConcurrentHashMap.newKeySet();
    /** Connections whose target is still starting: Braid's own embedded Kafka, while it starts in the background. */
    private final Predicate<String> starting;

    @Autowired
    public ConnectionFlowControl(ConnectionStore connections, ObjectProvider<Clock> clock, ObjectProvider<BraidKafka> kafka,
                                 FlowLedger ledger, NodeIdentity node, FlowControlSettings flow,
                                 ObjectProvider<MeterRegistry> registry) {
        this(connections::flowControl, clock.getIfAvailable(Clock::systemUTC), startingKafka(kafka.getIfAvailable()),
                ledger, node.id(), flow, registry.getIfAvailable());
    }

    /** Without a ledger: for connections without flow control only. */
    ConnectionFlowControl(Function<String, Optional<JsonNode>> settingsOf, Clock clock) {
        this(settingsOf, clock, connection -> false, null, "test", FlowControlSettings.DEFAULTS, null);
    }

    ConnectionFlowControl(Function<String, Optional<JsonNode>> settingsOf, Clock clock, FlowLedger ledger, String node,
                          FlowControlSettings flow) {
        this(settingsOf, clock, connection -> false, ledger, node, flow, null);
    }

    private ConnectionFlowControl(Function<String, Optional<JsonNode>> settingsOf, Clock clock, Predicate<String> starting,
                                  FlowLedger ledger, String node, FlowControlSettings flow, MeterRegistry registry) {
        this.settingsOf = settingsOf;
        this.clock = clock;
        this.starting = starting;
        this.ledger = ledger;
        this.node = node;
        this.flow = flow;
        this.registry = registry;
    }

    /**
     * A step through Braid's own Kafka ({@code braid-kafka}, what kafka steps use by default) waits, parked, while
     * the embedded broker is still starting, instead of failing or holding a worker thread in the producer.
     */
    private static Predicate<String> startingKafka(BraidKafka kafka) {
        return kafka == null ? connection -> false
                : connection -> !kafka.started() && KafkaConnector.DEFAULT_CONNECTION.equals(connection);
    }

    /** Forgets a connection's guard so the next call reads its settings again (after a save or delete). */
    public void invalidate(String connection) {
        guards.remove(connection);
    }

    @Override
    public Admission admit(String connection) {
        if (connection == null) {
            return new Admission.Granted(Ticket.NONE);
        }
        if (starting.test(connection)) {
            return new Admission.Deferred(clock.instant().plus(STARTING_RECHECK), "starting",
                    connection + " is still starting (Braid's own Kafka starts in the background)");
        }
        Guard guard = guard(connection);
        try {
            return guard.admit(false);
        } catch (DataAccessException e) {
            // The shared state cannot be read now: wait a little rather than fail the run or call unguarded.
            log.warn("Flow control of connection {} could not reach the database: {}", connection, e.toString());
            return new Admission.Deferred(clock.instant().plus(STARTING_RECHECK), guard.rate != null ? "rate-limit" : "circuit",
                    connection + " flow control could not be checked: the database did not answer");
        }
    }

    /**
     * What this node knows of a connection's flow control, for operators: its circuit ({@code closed}, {@code open},
     * {@code half-open}, as this node last read it) and its rate limit's slicing; empty without flow control.
     */
    public Optional<View> view(String connection) {
        Guard guard = guard(connection);
        if (guard.settings.none()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        FlowLedger.Circuit circuit = guard.breaker == null ? null : guard.circuit(now);
        return Optional.of(new View(guard.breaker == null ? null : circuit == null ? "closed" : circuit.state(now),
                circuit, guard.rate == null ? null : guard.rate.slices(),
                leaseCounts(connection).leases().get(), leaseCounts(connection).tokens().get()));
    }

    /** See {@link #view}; {@code leases} and {@code leasedTokens} are this node's since it started. */
    public record View(String circuitState, FlowLedger.Circuit circuit, RateSlices slices, long leases, long leasedTokens) {}

    private RateBudget.Counts leaseCounts(String connection) {
        return leaseCounts.computeIfAbsent(connection, c -> new RateBudget.Counts(new AtomicLong(), new AtomicLong()));
    }

    /**
     * The connection's meters, registered once per node (a rebuilt guard keeps them): the circuit's state as last
     * read, the leases and leased tokens of its rate budget. One series per connection with flow control.
     */
    private void meters(String connection) {
        if (registry == null || !metered.add(connection)) {
            return;
        }
        Gauge.builder("braid.connection.circuit.state", () -> {
                    Guard g = guards.get(connection);
                    return g == null || g.breaker == null ? 0 : g.stateNumber(clock.instant());
                }).description("A connection's shared circuit as this node last read it: 0 closed, 1 open, 2 half-open")
                .tag("connection", connection).register(registry);
        RateBudget.Counts counts = leaseCounts(connection);
        FunctionCounter.builder("braid.connection.rate.leases", counts.leases(), AtomicLong::doubleValue)
                .description("Statements this node ran to lease tokens of a connection's cluster-wide rate budget")
                .tag("connection", connection).register(registry);
        FunctionCounter.builder("braid.connection.rate.tokens", counts.tokens(), AtomicLong::doubleValue)
                .description("Tokens of a connection's cluster-wide rate budget this node leased")
                .tag("connection", connection).register(registry);
    }

    private Guard guard(String connection) {
        Instant now = clock.instant();
        Guard current = guards.get(connection);
        if (current != null && now.isBefore(current.checkedAt.plus(RECHECK))) {
            return current;
        }
        return refresh(connection, now);
    }

    /** One thread at a time, so concurrent first calls share one guard. */
    private synchronized Guard refresh(String connection, Instant now) {
        Guard current = guards.get(connection);
        if (current != null && now.isBefore(current.checkedAt.plus(RECHECK))) {
            return current;
        }
        JsonNode stored = settingsOf.apply(connection).orElse(null);
        String text = stored == null || stored.isNull() ? "" : stored.toString();
        Guard next;
        if (current != null && current.settingsText.equals(text)) {
            current.checkedAt = now;
            next = current;
        } else {
            FlowSettings settings;
            try {
                settings = FlowSettings.of(stored);
            } catch (IllegalArgumentException e) {
                settings = FlowSettings.NONE; // validated on save; a bad stored value must not stop calls
            }
            next = new Guard(connection, text, stored, settings, now);
        }
        guards.put(connection, next);
        return next;
    }

    /** One connection's circuit and rate budget; either may be absent. */
    private final class Guard {
        final String connection;
        final String settingsText;
        final FlowSettings settings;
        final FlowSettings.Breaker breaker;
        /** The circuitBreaker settings as stored: a shared circuit opened under other settings does not count. */
        final String breakerText;
        final CircuitWindow window;
        final RateBudget rate;
        volatile Instant checkedAt;
        /** The shared circuit as last read (null: closed) and when it was read. */
        volatile FlowLedger.Circuit circuit;
        volatile Instant circuitReadAt = Instant.MIN;
        /** One read of the shared circuit at a time; calls meanwhile use the last read. */
        final java.util.concurrent.locks.ReentrantLock reading = new java.util.concurrent.locks.ReentrantLock();
        final Counter deferredByRate;
        final Counter deferredByCircuit;

        Guard(String connection, String settingsText, JsonNode stored, FlowSettings settings, Instant now) {
            this.connection = connection;
            this.settingsText = settingsText;
            this.settings = settings;
            this.checkedAt = now;
            this.breaker = settings.circuitBreaker();
            this.breakerText = breaker == null ? null : String.valueOf(stored.get("circuitBreaker"));
            this.window = breaker == null ? null : new CircuitWindow(breaker);
            this.rate = settings.rateLimit() == null ? null : new RateBudget(connection, RateSlices.of(settings.rateLimit()),
                    clock, new RateBudget.Leases() {
                        @Override
                        public RateBudget.Lease lease(String c, RateSlices slices, int want) {
                            return ledger.lease(c, slices, want, node);
                        }

                        @Override
                        public long slot(String c, RateSlices slices) {
                            return ledger.slot(c, slices);
                        }
                    }, leaseCounts(connection));
            this.deferredByRate = rate == null ? null : counter("rate-limit");
            this.deferredByCircuit = breaker == null ? null : counter("circuit");
            if (!settings.none()) {
                meters(connection);
            }
        }

        private Counter counter(String reason) {
            return registry == null ? null : Counter.builder("braid.connection.deferred")
                    .description("Calls through a connection deferred by its flow control, by reason")
                    .tags("connection", connection, "reason", reason).register(registry);
        }

        private void count(Counter counter) {
            if (counter != null) {
                counter.increment();
            }
        }

        int stateNumber(Instant now) {
            FlowLedger.Circuit c = circuit;
            return c == null ? 0 : now.isBefore(c.openUntil()) ? 1 : 2;
        }

        /** The shared circuit, read again when the last read is older than {@code circuit-sync}. */
        FlowLedger.Circuit circuit(Instant now) {
            if (!now.isBefore(circuitReadAt.plus(flow.circuitSync())) && reading.tryLock()) {
                try {
                    seen(ledger.circuit(connection, breakerText).orElse(null), now);
                } finally {
                    reading.unlock();
                }
            }
            return circuit;
        }

        /** Takes the circuit as read; one that closed since the last read starts this node's count afresh. */
        void seen(FlowLedger.Circuit read, Instant now) {
            if (read == null && circuit != null) {
                window.clear();
            }
            circuit = read;
            circuitReadAt = now;
        }

        Admission admit(boolean retried) {
            Instant now = clock.instant();
            FlowLedger.Circuit open = breaker == null ? null : circuit(now);
            if (open != null) {
                if (now.isBefore(open.openUntil())) {
                    count(deferredByCircuit);
                    return new Admission.Deferred(open.openUntil(), "circuit", connection + " circuit open after "
                            + Math.round(open.failureRate()) + "% failures (opened by " + open.openedBy() + ")");
                }
                if (open.probesBusy(now, breaker.halfOpenCalls())) {
                    return probing(now);
                }
            }
            RateBudget.Taken token = null;
            if (rate != null) {
                token = rate.take();
                if (!token.granted()) {
                    count(deferredByRate);
                    return new Admission.Deferred(Instant.ofEpochMilli(token.at()), "rate-limit", connection
                            + " rate limit of " + settings.rateLimit().requests() + " per " + settings.rateLimit().per()
                            + " reached (cluster-wide)");
                }
            }
            if (breaker == null) {
                return paced(token, new Admission.Granted(Ticket.NONE));
            }
            if (open != null) {
                Optional<FlowLedger.Circuit> probe = ledger.claimProbe(connection, breakerText, now,
                        breaker.halfOpenCalls(), flow.probeTimeout());
                if (probe.isEmpty()) {
                    if (token != null) {
                        rate.giveBack(token.at());
                    }
                    // another node's probe, or a probe that already failed and opened it again: decide on a fresh read
                    seen(ledger.circuit(connection, breakerText).orElse(null), now);
                    return retried ? probing(now) : admit(true);
                }
                seen(probe.get(), now);
                return paced(token, new Admission.Granted(probeTicket(probe.get().generation())));
            }
            return paced(token, new Admission.Granted(new Ticket() {
                @Override
                public void succeeded() {
                    window.record(false);
                }

                @Override
                public void failed(StepError error) {
                    // a 4xx is the target answering sanely: it counts as a success
                    float tripped = window.record(error != null && error.retryable());
                    if (tripped >= 0) {
                        report(() -> trip(tripped));
                    }
                }
            }));
        }

        /**
         * Waits until the rate token is due (at most one slice window) before the call goes out. Interrupted (the
         * node stops), the token goes back and the run comes back when it would have been due.
         */
        private Admission paced(RateBudget.Taken token, Admission.Granted granted) {
            if (token == null) {
                return granted;
            }
            long wait = token.at() - clock.millis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    rate.giveBack(token.at());
                    return new Admission.Deferred(Instant.ofEpochMilli(token.at()), "rate-limit",
                            connection + " stopped while waiting for its rate token");
                }
            }
            return granted;
        }

        private Admission probing(Instant now) {
            count(deferredByCircuit);
            return new Admission.Deferred(now.plus(flow.circuitSync()), "circuit",
                    connection + " circuit half-open: a probe call is under way");
        }

        private void trip(float failureRate) {
            Instant now = clock.instant();
            boolean wasClosed = circuit == null;
            FlowLedger.Circuit opened = ledger.open(connection, breakerText, now, breaker.openFor(), failureRate, node);
            if (wasClosed && node.equals(opened.openedBy())) {
                log.warn("Circuit of connection {} opened by node {} after {}% failures; calls wait until {}", connection,
                        node, Math.round(failureRate), opened.openUntil());
            }
            seen(opened, now);
        }

        /**
         * Writes an outcome to the shared circuit; when the database does not answer the call's own result stands
         * (an unreported probe stops counting after {@code probe-timeout}).
         */
        private void report(Runnable write) {
            try {
                write.run();
            } catch (DataAccessException e) {
                log.warn("The outcome of a call through {} could not be written to the shared circuit: {}", connection,
                        e.toString());
            }
        }

        private Ticket probeTicket(long generation) {
            return new Ticket() {
                @Override
                public void succeeded() {
                    report(() -> {
                        if (ledger.probeSucceeded(connection, generation, breaker.halfOpenCalls())) {
                            log.info("Circuit of connection {} closed after a successful probe on node {}", connection, node);
                            seen(null, clock.instant());
                        }
                    });
                }

                @Override
                public void failed(StepError error) {
                    if (error == null || !error.retryable()) {
                        succeeded();
                        return;
                    }
                    report(() -> {
                        Instant now = clock.instant();
                        ledger.reopen(connection, generation, now, breaker.openFor(), node);
                        seen(ledger.circuit(connection, breakerText).orElse(null), now);
                    });
                }
            };
        }
    }
}
