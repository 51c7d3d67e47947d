package dev.braid.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code Retry-After} of a refused webhook: the backlog divided by the recent throughput (Little's law). */
class BacklogTest {

    @Test
    void retryAfterIsTheBacklogOverTheThroughputRoundedUp() {
        assertThat(Backlog.retryAfter(10_000, 2_000)).isEqualTo(5);
        assertThat(Backlog.retryAfter(10_001, 2_000)).isEqualTo(6);
        assertThat(Backlog.retryAfter(500, 690.5)).isEqualTo(1);
    }

    @Test
    void retryAfterIsAtLeastOneSecondAndAtMostTheCap() {
        assertThat(Backlog.retryAfter(1, 5_000)).isEqualTo(1);
        assertThat(Backlog.retryAfter(100_000, 10)).isEqualTo(Backlog.MAX_RETRY_AFTER);
    }

    @Test
    void withNothingFinishingTheWaitIsTheCap() {
        assertThat(Backlog.retryAfter(500, 0)).isEqualTo(Backlog.MAX_RETRY_AFTER);
    }
}
