package dev.braid.engine.model;

import java.time.Duration;

/**
 * Retry settings as written in a recipe ({@code retry:} on the recipe or a step); every field may be
 * absent (null) so that a step's setting can be laid over the recipe's, and the recipe's over the
 * defaults. {@link #over(RetrySpec)} does that layering.
 */
public record RetrySpec(Integer maxAttempts, Duration initialDelay, Double multiplier, Duration maxDelay, Double jitter) {

    public static final RetrySpec NONE = new RetrySpec(null, null, null, null, null);

    /**
     * Defaults when neither step nor recipe says: 3 attempts, 1 s, doubling, at most 5 min apart, up to
     * 20% of each delay taken off at random (runs failing together do not retry together).
     */
    public static final RetrySpec DEFAULTS = new RetrySpec(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2);

    /** Settings without a jitter of their own (it comes from the layer below). */
    public RetrySpec(Integer maxAttempts, Duration initialDelay, Double multiplier, Duration maxDelay) {
        this(maxAttempts, initialDelay, multiplier, maxDelay, null);
    }

    /**
     * This spec's fields where set, else {@code base}'s. An inherited {@code maxDelay} shorter than this
     * layer's own {@code initialDelay} is raised to it: {@code initialDelay: 1h} alone means "wait an
     * hour", not a conflict with the 5-minute default cap found only when the step first fails.
     */
    public RetrySpec over(RetrySpec base) {
        Duration initial = initialDelay != null ? initialDelay : base.initialDelay;
        Duration cap = maxDelay != null ? maxDelay : base.maxDelay;
        if (maxDelay == null && initialDelay != null && cap != null && cap.compareTo(initialDelay) < 0) {
            cap = initialDelay;
        }
        return new RetrySpec(
                maxAttempts != null ? maxAttempts : base.maxAttempts,
                initial,
                multiplier != null ? multiplier : base.multiplier,
                cap,
                jitter != null ? jitter : base.jitter);
    }
}
