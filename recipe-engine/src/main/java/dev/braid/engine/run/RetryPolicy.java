package dev.braid.engine.run;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

import dev.braid.engine.model.RetrySpec;

/**
 * When a retryable step failure gets another attempt, and how long to wait for it: exponential
 * backoff, capped, with a server's {@code Retry-After} honoured. An immutable, validated value whose
 * answers depend only on its arguments, so a table of cases tests it.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.of(step.retry().over(recipe.retry()).over(RetrySpec.DEFAULTS));
 * if (policy.hasAttemptLeft(attempt)) {
 *   Instant next = now.plus(policy.nextDelay(attempt, error.retryAfter()));
 * }
 * }</pre>
 *
 * <p>{@code maxAttempts} counts every attempt including the first: 1 means "never retry". There is no
 * magic value meaning "unlimited".
 */
public final class RetryPolicy {

    /**
     * Spreads a backoff delay so that many runs failing together do not retry together. Given its
     * random source, so tests stay exact.
     */
    @FunctionalInterface
    public interface Jitter {

        Jitter NONE = (backoff, nextAttempt) -> backoff;

        /** The delay to use instead of {@code backoff} before {@code nextAttempt}; clamped to [0, maxDelay]. */
        Duration spread(Duration backoff, int nextAttempt);

        /**
         * Takes up to {@code share} (0..1) of the backoff off at random: {@code backoff x (1 - share x u)},
         * u uniform in [0, 1). Never longer than the plain backoff, so {@code maxDelay} stays a true cap.
         * Equal when the shares are (the random source is not part of the policy's value).
         */
        static Jitter share(double share, RandomGenerator random) {
            return new Share(share, random);
        }
    }

    private record Share(double share, RandomGenerator random) implements Jitter {
        @Override
        public Duration spread(Duration backoff, int nextAttempt) {
            if (share == 0 || backoff.isZero()) {
                return backoff;
            }
            double factor = 1 - share * random.nextDouble();
            return Duration.ofNanos(Math.round(backoff.toNanos() * factor));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Share other && Double.compare(share, other.share) == 0;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(share);
        }
    }

    private static final double NANOS_PER_SECOND = 1e9;

    private final int maxAttempts;
    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final Jitter jitter;

    private RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, Jitter jitter) {
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.multiplier = multiplier;
        this.maxDelay = maxDelay;
        this.jitter = jitter;
    }

    /**
     * A policy from a fully resolved spec (every field set; lay it over {@link RetrySpec#DEFAULTS}
     * first). Throws {@link IllegalArgumentException} naming the first field that is out of range.
     */
    public static RetryPolicy of(RetrySpec spec) {
        return of(spec, RandomGenerator.getDefault());
    }

    /** {@link #of(RetrySpec)} with the random source of its jitter (tests pass a fixed one). */
    public static RetryPolicy of(RetrySpec spec, RandomGenerator random) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(random, "random");
        require(spec.maxAttempts() != null && spec.initialDelay() != null && spec.multiplier() != null
                && spec.maxDelay() != null, "every retry field must be set (lay the spec over RetrySpec.DEFAULTS): " + spec);
        require(spec.maxAttempts() >= 1, "retry.maxAttempts must be at least 1, was " + spec.maxAttempts());
        require(!spec.initialDelay().isNegative(), "retry.initialDelay must not be negative, was " + spec.initialDelay());
        require(!spec.maxDelay().isNegative(), "retry.maxDelay must not be negative, was " + spec.maxDelay());
        require(Double.isFinite(spec.multiplier()) && spec.multiplier() >= 1.0,
                "retry.multiplier must be at least 1, was " + spec.multiplier());
        require(spec.maxDelay().compareTo(spec.initialDelay()) >= 0,
                "retry.maxDelay (" + spec.maxDelay() + ") must not be shorter than retry.initialDelay (" + spec.initialDelay() + ")");
        double share = spec.jitter() == null ? 0 : spec.jitter();
        require(Double.isFinite(share) && share >= 0 && share <= 1, "retry.jitter must be from 0 to 1, was " + share);
        return new RetryPolicy(spec.maxAttempts(), spec.initialDelay(), spec.multiplier(), spec.maxDelay(),
                share == 0 ? Jitter.NONE : Jitter.share(share, random));
    }

    /** This policy with {@code jitter} applied by {@link #nextDelay}; {@link #delayBefore} stays the plain backoff. */
    public RetryPolicy withJitter(Jitter jitter) {
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, Objects.requireNonNull(jitter, "jitter"));
    }

    /** Whether a step that has made {@code attemptsDone} attempts may make another. */
    public boolean hasAttemptLeft(int attemptsDone) {
        return attemptsDone < maxAttempts;
    }

    /**
     * The backoff before attempt {@code nextAttempt} (the first attempt is 1): zero before the first,
     * {@code initialDelay} before the second, then multiplied by {@code multiplier} per attempt, never
     * above {@code maxDelay} however large the attempt number.
     */
    public Duration delayBefore(int nextAttempt) {
        if (nextAttempt < 1) {
            throw new IllegalArgumentException("Attempts are counted from 1, was " + nextAttempt);
        }
        if (nextAttempt == 1) {
            return Duration.ZERO;
        }
        // In double seconds: initialDelay x multiplier^k overflows a long of nanos long before it reaches
        // Infinity, and anything at or above maxDelay is answered by the cap anyway.
        double delay = seconds(initialDelay) * Math.pow(multiplier, nextAttempt - 2);
        if (!(delay < seconds(maxDelay))) {
            return maxDelay;
        }
        long whole = (long) delay;
        return Duration.ofSeconds(whole, Math.round((delay - whole) * NANOS_PER_SECOND));
    }

    /**
     * How long to wait after a retryable failure of attempt {@code attemptsDone}: the (jittered)
     * backoff, or the target's {@code Retry-After} when that is longer. A Retry-After may exceed
     * {@code maxDelay}: the server knows when it will be ready, and calling earlier only burns an
     * attempt. (The run's deadline still bounds it: an attempt that starts after the deadline fails.)
     */
    public Duration nextDelay(int attemptsDone, Optional<Duration> retryAfter) {
        int next = attemptsDone + 1;
        Duration backoff = clamp(jitter.spread(delayBefore(next), next));
        Duration asked = retryAfter.filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        return asked.compareTo(backoff) > 0 ? asked : backoff;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    private Duration clamp(Duration d) {
        if (d == null || d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    private static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / NANOS_PER_SECOND;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetryPolicy p && maxAttempts == p.maxAttempts && multiplier == p.multiplier
                && initialDelay.equals(p.initialDelay) && maxDelay.equals(p.maxDelay) && jitter.equals(p.jitter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialDelay, multiplier, maxDelay, jitter);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay + ", multiplier=" + multiplier
                + ", maxDelay=" + maxDelay + (jitter == Jitter.NONE ? "" : ", jittered") + "]";
    }
}
