package dev.braid.engine.run;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.braid.engine.model.RetrySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private static final RetryPolicy DOUBLING = RetryPolicy.of(new RetrySpec(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)));

    @ParameterizedTest(name = "{0} attempts, {1} first, x{2}, max {3}: before attempt {4} wait {5}")
    @CsvSource({
            // maxAttempts, initialDelay, multiplier, maxDelay, nextAttempt, expected
            "5, PT1S,    2.0, PT30S,  1, PT0S",
            "5, PT1S,    2.0, PT30S,  2, PT1S",
            "5, PT1S,    2.0, PT30S,  3, PT2S",
            "5, PT1S,    2.0, PT30S,  4, PT4S",
            "5, PT1S,    2.0, PT30S,  6, PT16S",
            "5, PT1S,    2.0, PT30S,  7, PT30S",
            "5, PT1S,    2.0, PT30S,  1000, PT30S",
            "5, PT1S,    2.0, PT30S,  2147483647, PT30S",
            "5, PT0.5S,  1.5, PT10S,  3, PT0.75S",
            "5, PT0.1S,  3.0, PT10S,  3, PT0.3S",
            "5, PT2S,    1.0, PT5S,   9, PT2S",
            "5, PT0S,    2.0, PT0S,   5, PT0S",
            "5, PT1M,    10.0, PT24H, 4, PT1H40M",
            "5, PT1M,    10.0, PT24H, 5, PT16H40M",
            "5, PT1M,    10.0, PT24H, 6, PT24H",
            "5, PT1S,    2.0, P3650D, 100000, P3650D",
    })
    void delayBeforeAnAttempt(int maxAttempts, Duration initial, double multiplier, Duration max, int nextAttempt, Duration expected) {
        RetryPolicy policy = RetryPolicy.of(new RetrySpec(maxAttempts, initial, multiplier, max));

        assertThat(policy.delayBefore(nextAttempt)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "after {0} of 3 attempts another is {1}")
    @CsvSource({"0, true", "1, true", "2, true", "3, false", "4, false"})
    void attemptsLeft(int attemptsDone, boolean left) {
        assertThat(RetryPolicy.of(new RetrySpec(3, Duration.ZERO, 1.0, Duration.ZERO)).hasAttemptLeft(attemptsDone)).isEqualTo(left);
    }

    @Test
    void oneAttemptMeansNeverRetry() {
        assertThat(RetryPolicy.of(new RetrySpec(1, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1))).hasAttemptLeft(1)).isFalse();
    }

    @ParameterizedTest(name = "after attempt {0} with Retry-After {1}: wait {2}")
    @CsvSource({
            "1, ,        PT1S",
            "3, ,        PT4S",
            "1, PT0.2S,  PT1S",
            "1, PT10S,   PT10S",
            "3, PT3S,    PT4S",
            // Retry-After beyond maxDelay (30 s): the server knows best.
            "2, PT5M,    PT5M",
            "9, PT1S,    PT30S",
            "1, -PT5S,   PT1S",
    })
    void nextDelayIsTheLongerOfBackoffAndRetryAfter(int attemptsDone, Duration retryAfter, Duration expected) {
        assertThat(DOUBLING.nextDelay(attemptsDone, Optional.ofNullable(retryAfter))).isEqualTo(expected);
    }

    @Test
    void jitterIsASeamThatNextDelayAppliesWithinZeroAndMaxDelay() {
        RetryPolicy halved = DOUBLING.withJitter((backoff, attempt) -> backoff.dividedBy(2));
        RetryPolicy wild = DOUBLING.withJitter((backoff, attempt) -> backoff.multipliedBy(1000));
        RetryPolicy negative = DOUBLING.withJitter((backoff, attempt) -> Duration.ofSeconds(-1));

        assertThat(halved.nextDelay(3, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
        assertThat(halved.delayBefore(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(wild.nextDelay(1, Optional.empty())).isEqualTo(Duration.ofSeconds(30));
        assertThat(negative.nextDelay(1, Optional.empty())).isEqualTo(Duration.ZERO);
        assertThat(halved.nextDelay(1, Optional.of(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', value = {
            "0  | PT1S  | 2.0  | PT1M | retry.maxAttempts must be at least 1",
            "-3 | PT1S  | 2.0  | PT1M | retry.maxAttempts must be at least 1",
            "3  | -PT1S | 2.0  | PT1M | retry.initialDelay must not be negative",
            "3  | PT1S  | 0.5  | PT1M | retry.multiplier must be at least 1",
            "3  | PT1S  | NaN  | PT1M | retry.multiplier must be at least 1",
            "3  | PT1S  | Infinity | PT1M | retry.multiplier must be at least 1",
            "3  | PT1S  | 2.0  | -PT1M | retry.maxDelay must not be negative",
            "3  | PT1M  | 2.0  | PT1S | retry.maxDelay (PT1S) must not be shorter than retry.initialDelay (PT1M)",
    })
    void invalidSettingsAreRefusedWithTheFieldNamed(int maxAttempts, Duration initial, double multiplier, Duration max, String message) {
        assertThatThrownBy(() -> RetryPolicy.of(new RetrySpec(maxAttempts, initial, multiplier, max)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void anUnresolvedSpecIsRefused() {
        assertThatThrownBy(() -> RetryPolicy.of(new RetrySpec(3, null, 2.0, Duration.ofMinutes(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RetrySpec.DEFAULTS");
    }

    @Test
    void attemptsAreCountedFromOne() {
        assertThatThrownBy(() -> DOUBLING.delayBefore(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStepSpecLaidOverTheRecipeAndTheDefaults() {
        RetrySpec recipe = new RetrySpec(null, Duration.ofSeconds(5), null, null);
        RetrySpec step = new RetrySpec(10, null, null, null);

        RetryPolicy policy = RetryPolicy.of(step.over(recipe).over(RetrySpec.DEFAULTS));

        assertThat(policy.maxAttempts()).isEqualTo(10);
        assertThat(policy.initialDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.multiplier()).isEqualTo(2.0);
        assertThat(policy.maxDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy).isEqualTo(RetryPolicy.of(new RetrySpec(10, Duration.ofSeconds(5), 2.0, Duration.ofMinutes(5), 0.2)));
    }

    @Test
    void anInitialDelayLongerThanTheInheritedCapRaisesTheCapToIt() {
        RetrySpec recipe = new RetrySpec(null, null, null, Duration.ofSeconds(30));
        RetrySpec step = new RetrySpec(null, Duration.ofHours(1), null, null);

        RetryPolicy fromDefaults = RetryPolicy.of(step.over(RetrySpec.DEFAULTS));
        RetryPolicy overRecipe = RetryPolicy.of(step.over(recipe).over(RetrySpec.DEFAULTS));

        assertThat(fromDefaults.maxDelay()).isEqualTo(Duration.ofHours(1));
        assertThat(fromDefaults.delayBefore(3)).isEqualTo(Duration.ofHours(1));
        assertThat(overRecipe.maxDelay()).isEqualTo(Duration.ofHours(1));
        // A cap written in the same layer still wins over nothing: the parser refuses maxDelay < initialDelay there.
        assertThat(RetryPolicy.of(new RetrySpec(null, Duration.ofSeconds(1), null, Duration.ofSeconds(10))
                .over(RetrySpec.DEFAULTS)).maxDelay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterTakesUpToItsShareOffTheBackoffAtRandom() {
        RetrySpec spec = new RetrySpec(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.5);
        double[] draw = {0.0};
        RandomGenerator random = new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return draw[0];
            }
        };
        RetryPolicy policy = RetryPolicy.of(spec, random);

        assertThat(policy.nextDelay(2, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
        draw[0] = 0.5;
        assertThat(policy.nextDelay(2, Optional.empty())).isEqualTo(Duration.ofMillis(1500));
        draw[0] = 0.999;
        assertThat(policy.nextDelay(2, Optional.empty())).isEqualTo(Duration.ofMillis(1001));
        // Retry-After still wins over a jittered backoff.
        assertThat(policy.nextDelay(2, Optional.of(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
        // The plain backoff is what delayBefore answers.
        assertThat(policy.delayBefore(3)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void jitterStaysWithinItsShareOverManyDraws() {
        RetryPolicy policy = RetryPolicy.of(new RetrySpec(5, Duration.ofSeconds(10), 1.0, Duration.ofSeconds(10), 0.2),
                new java.util.Random(42));
        for (int i = 0; i < 1_000; i++) {
            assertThat(policy.nextDelay(1, Optional.empty())).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        }
    }

    @Test
    void jitterOutOfRangeIsRefused() {
        assertThatThrownBy(() -> RetryPolicy.of(new RetrySpec(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 1.5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry.jitter");
    }

    @Test
    void theDefaultsJitterByAFifth() {
        assertThat(RetrySpec.DEFAULTS.jitter()).isEqualTo(0.2);
        assertThat(RetryPolicy.of(new RetrySpec(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 0.0)))
                .isEqualTo(RetryPolicy.of(new RetrySpec(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1))));
    }
}
