package dev.braid.app.triggers.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    @Test
    void waitsDoubleFromTwoSecondsUpToAMinute() {
        assertThat(RestartBackoff.delay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RestartBackoff.delay(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(RestartBackoff.delay(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(RestartBackoff.delay(6)).isEqualTo(Duration.ofMinutes(1));
        assertThat(RestartBackoff.delay(40)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aReaderThatRanAMinuteStartsOverFromTheShortestWait() {
        RestartBackoff backoff = new RestartBackoff();
        assertThat(backoff.failed("shop", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.failed("shop", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.waiting("shop")).isTrue();
        assertThat(backoff.waiting("other")).isFalse();
        assertThat(backoff.failed("shop", Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(2));
    }
}
