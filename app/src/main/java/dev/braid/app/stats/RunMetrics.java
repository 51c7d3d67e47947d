package dev.braid.app.stats;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Braid's own Prometheus meters (ARCHITECTURE §10) that count events: runs ended, their latency, SLA
 * breaches, trigger events and step attempts. Labels are recipe slugs, statuses, origins, trigger types
 * and action names — all bounded by what exists; never run ids or messages.
 *
 * <p>Run outcomes are recorded by {@link StatsFold} from the journal rows it folds, so the counters and the
 * stats API count the same events exactly once: summed over the nodes ({@code sum by (recipe, status)}),
 * {@code braid_runs_total} equals the rollups. A node's counters start at zero when it starts, as
 * Prometheus counters do.
 */
@Component
public class RunMetrics {

    /** Latency buckets of {@code braid_run_latency_seconds}: a fixed, short list keeps series per recipe bounded. */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30) };

    private final MeterRegistry registry;
    /**
     * The meters of the per-step and per-event calls, built once per label set: building and registering one on
     * every call (a tag list, its sort, the registry's lookup) was 2.6 % of the JVM's samples at 2,400 runs/s.
     * The registry never removes Braid's meters, so a cached one stays the registered one.
     */
    private final ConcurrentHashMap<String, Timer> stepDurations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<StepOutcome, Counter> stepAttempts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EventOutcome, Counter> events = new ConcurrentHashMap<>();

    private record StepOutcome(String action, String outcome) {}

    private record EventOutcome(String type, String recipe, String outcome) {}

    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code count} runs of {@code recipe} ended with {@code status} ({@code braid_runs_total}). */
    public void ended(String recipe, String status, String origin, long count) {
        Counter.builder("braid.runs").description("Runs that ended, by final status")
                .tags("recipe", recipe, "status", status, "origin", origin == null ? "trigger" : origin)
                .register(registry).increment(count);
    }

    /** One run's received → finished time ({@code braid_run_latency_seconds}). */
    public void latency(String recipe, long millis) {
        Timer.builder("braid.run.latency").description("Runs from received to finished")
                .tags("recipe", recipe).serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(Duration.ofMillis(millis));
    }

    /** {@code braid_sla_breaches_total}: runs over their recipe's {@code sla.maxLatency}. */
    public void slaBreaches(String recipe, long count) {
        Counter.builder("braid.sla.breaches").description("Runs over their recipe's sla.maxLatency")
                .tags("recipe", recipe).register(registry).increment(count);
    }

    /** {@code braid_trigger_events_total}: an event {@code accepted}, a {@code duplicate}, or {@code refused}. */
    public void triggerEvent(String type, String recipe, String outcome) {
        triggerEvents(type, recipe, outcome, 1);
    }

    /** As above for {@code count} events at once (a Kafka poll's). */
    public void triggerEvents(String type, String recipe, String outcome, long count) {
        events.computeIfAbsent(new EventOutcome(type, recipe, outcome), k -> Counter.builder("braid.trigger.events")
                .description("Trigger events by outcome")
                .tags("type", type, "recipe", recipe, "outcome", outcome).register(registry)).increment(count);
    }

    /** {@code braid_step_duration_seconds} and {@code braid_step_attempts_total} of one finished step. */
    public void step(String action, String outcome, int attempts, Duration took) {
        stepDurations.computeIfAbsent(action, a -> Timer.builder("braid.step.duration")
                .description("Steps from start to finish, by action")
                .tags("action", action).serviceLevelObjectives(LATENCY_BUCKETS).register(registry)).record(took);
        stepAttempts.computeIfAbsent(new StepOutcome(action, outcome), k -> Counter.builder("braid.step.attempts")
                .description("Step attempts, by action and outcome")
                .tags("action", action, "outcome", outcome).register(registry)).increment(Math.max(1, attempts));
    }
}
