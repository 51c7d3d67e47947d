package dev.braid.app.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.braid.app.connections.ConnectionStore;
import dev.braid.app.kafka.BraidKafka;
import dev.braid.connectors.kafka.KafkaConnector;
import dev.braid.engine.run.ConnectionGuards;
import dev.braid.engine.run.StepError;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import tools.jackson.databind.JsonNode;

/**
 * The connections' circuit breakers and rate limiters (resilience4j), built from each connection's
 * {@code flow_control} settings. State is per node, in memory: each node counts its own failures and
 * permits, so a cluster of n nodes may send up to n times a rate limit, and a circuit opens on each
 * node by itself. The settings are looked up again at most every {@link #RECHECK} per connection (no
 * query per call on the hot path); a change rebuilds that connection's breaker and limiter.
 */
@Component
public class ConnectionFlowControl implements ConnectionGuards {

    static final Duration RECHECK = Duration.ofSeconds(2);
    /** How soon a call deferred because its target is still starting looks again. */
    static final Duration STARTING_RECHECK = Duration.ofSeconds(1);

    private final Function<String, Optional<JsonNode>> settingsOf;
    private final Clock clock;
    private final ConcurrentHashMap<String, Guard> guards = new ConcurrentHashMap<>();
    /** Connections whose target is still starting: Braid's own embedded Kafka, while it starts in the background. */
    private final Predicate<String> starting;

    @Autowired
    public ConnectionFlowControl(ConnectionStore connections, ObjectProvider<Clock> clock, ObjectProvider<BraidKafka> kafka) {
        this(connections::flowControl, clock.getIfAvailable(Clock::systemUTC), startingKafka(kafka.getIfAvailable()));
    }

    ConnectionFlowControl(Function<String, Optional<JsonNode>> settingsOf, Clock clock) {
        this(settingsOf, clock, connection -> false);
    }

    ConnectionFlowControl(Function<String, Optional<JsonNode>> settingsOf, Clock clock, Predicate<String> starting) {
        this.settingsOf = settingsOf;
        this.clock = clock;
        this.starting = starting;
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
        return guard(connection).admit();
    }

    private Guard guard(String connection) {
        Instant now = clock.instant();
        Guard current = guards.get(connection);
        if (current != null && now.isBefore(current.checkedAt.plus(RECHECK))) {
            return current;
        }
        return refresh(connection, now);
    }

    /** One thread at a time, so concurrent first calls share one breaker and limiter. */
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
            next = new Guard(connection, text, settings, now);
        }
        guards.put(connection, next);
        return next;
    }

    /** One connection's breaker and limiter; either may be absent. */
    private final class Guard {
        final String connection;
        final String settingsText;
        final FlowSettings settings;
        final CircuitBreaker breaker;
        final RateLimiter limiter;
        volatile Instant checkedAt;
        volatile Instant openedAt;

        Guard(String connection, String settingsText, FlowSettings settings, Instant now) {
            this.connection = connection;
            this.settingsText = settingsText;
            this.settings = settings;
            this.checkedAt = now;
            this.breaker = settings.circuitBreaker() == null ? null : breaker(connection, settings.circuitBreaker());
            this.limiter = settings.rateLimit() == null ? null : limiter(connection, settings.rateLimit());
            if (breaker != null) {
                breaker.getEventPublisher().onStateTransition(e -> {
                    if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                        openedAt = clock.instant();
                    }
                });
            }
        }

        Admission admit() {
            if (breaker != null && !breaker.tryAcquirePermission()) {
                Instant opened = openedAt == null ? clock.instant() : openedAt;
                return new Admission.Deferred(opened.plus(settings.circuitBreaker().openFor()), "circuit",
                        connection + " circuit open after " + Math.round(breaker.getMetrics().getFailureRate())
                                + "% failures");
            }
            if (limiter != null && !limiter.acquirePermission()) {
                if (breaker != null) {
                    breaker.releasePermission();
                }
                return new Admission.Deferred(clock.instant().plus(untilRefresh()), "rate-limit",
                        connection + " rate limit of " + settings.rateLimit().requests() + " per "
                                + settings.rateLimit().per() + " reached");
            }
            if (breaker == null) {
                return new Admission.Granted(Ticket.NONE);
            }
            long started = System.nanoTime();
            return new Admission.Granted(new Ticket() {
                @Override
                public void succeeded() {
                    breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                }

                @Override
                public void failed(StepError error) {
                    long elapsed = System.nanoTime() - started;
                    if (error != null && error.retryable()) {
                        breaker.onError(elapsed, TimeUnit.NANOSECONDS, new TargetFailure(error));
                    } else {
                        breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS); // a 4xx: the target answered sanely
                    }
                }
            });
        }

        private Duration untilRefresh() {
            if (limiter instanceof AtomicRateLimiter atomic) {
                long nanos = atomic.getDetailedMetrics().getNanosToWait();
                if (nanos > 0) {
                    return Duration.ofNanos(nanos);
                }
            }
            return settings.rateLimit().per();
        }
    }

    private CircuitBreaker breaker(String connection, FlowSettings.Breaker s) {
        return CircuitBreaker.of(connection, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.slidingWindow())
                .minimumNumberOfCalls(s.minimumCalls())
                .failureRateThreshold(s.failureRateThreshold())
                .waitDurationInOpenState(s.openFor())
                .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
                .recordExceptions(TargetFailure.class)
                .clock(clock)
                .build());
    }

    private static RateLimiter limiter(String connection, FlowSettings.Limit s) {
        return RateLimiter.of(connection, RateLimiterConfig.custom()
                .limitForPeriod(s.requests())
                .limitRefreshPeriod(s.per())
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /** A retryable step error, as the exception resilience4j records. */
    static final class TargetFailure extends RuntimeException {
        TargetFailure(StepError error) {
            super(error.type() + ": " + error.message(), null, false, false);
        }
    }
}
