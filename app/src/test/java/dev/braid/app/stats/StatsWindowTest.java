package dev.braid.app.stats;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.braid.app.refusal.Invalid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatsWindowTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:17:42Z");

    @ParameterizedTest
    @CsvSource({
        "5m, 1m, MINUTE", "1h, 1m, MINUTE", "6h, 5m, FIVE_MINUTES", "24h, 5m, FIVE_MINUTES", "2d, 15m, FIVE_MINUTES",
        "7d, 1h, HOUR", "14d, 6h, HOUR", "30d, 6h, HOUR"})
    void withoutABucketTheSmallestGivingAtMostThreeHundredPointsIsChosen(String window, String bucket, StatsWindow.Tier tier) {
        StatsWindow w = StatsWindow.of(window, null, NOW);
        assertThat(w.bucket()).isEqualTo(dev.braid.engine.model.Durations.parse(bucket));
        assertThat(w.tier()).isEqualTo(tier);
        assertThat(w.buckets()).isLessThanOrEqualTo(StatsWindow.DEFAULT_POINTS + 1);
    }

    @Test
    void aThirtyDayWindowReadsHourRowsAtMostSevenHundredAndTwentyOneOfThemPerRecipe() {
        StatsWindow w = StatsWindow.of("30d", null, NOW);
        long tierRows = Duration.between(w.from(), w.to()).toHours() + 1;
        assertThat(w.tier()).isEqualTo(StatsWindow.Tier.HOUR);
        assertThat(tierRows).isLessThanOrEqualTo(30 * 24 + 6);
        assertThat(StatsWindow.of("30d", "1d", NOW).tier()).isEqualTo(StatsWindow.Tier.DAY);
        assertThat(StatsWindow.of("24h", "2h", NOW).tier()).isEqualTo(StatsWindow.Tier.HOUR);
        assertThat(StatsWindow.of("24h", "90m", NOW).tier()).isEqualTo(StatsWindow.Tier.FIVE_MINUTES);
        assertThat(StatsWindow.of("24h", "7m", NOW).tier()).isEqualTo(StatsWindow.Tier.MINUTE);
        StatsWindow day = StatsWindow.of("24h", null, NOW);
        assertThat(day.tier()).isEqualTo(StatsWindow.Tier.FIVE_MINUTES);
        assertThat(Duration.between(day.from(), day.to()).toMinutes() / 5 + 1).isLessThanOrEqualTo(24 * 12 + 1);
    }

    @Test
    void bucketsAreAlignedToTheEpochAndCoverTheWindowUpToNow() {
        StatsWindow w = StatsWindow.of("1h", "5m", NOW);
        assertThat(w.from()).isEqualTo(Instant.parse("2026-12-06T09:15:00Z"));
        assertThat(w.to()).isEqualTo(NOW);
        assertThat(w.buckets()).isEqualTo(13);
        assertThat(w.bucketOf(Instant.parse("2026-12-06T10:16:59Z"))).isEqualTo(Instant.parse("2026-12-06T10:15:00Z"));
        assertThat(StatsWindow.of(null, null, NOW).window()).isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1m   |      | window | out of range",
        "31d  |      | window | out of range",
        "soon |      | window | not a duration",
        "1h   | 30s  | bucket | whole number of minutes",
        "30d  | 1m   | bucket | more than 1440 points",
        "1h   | x    | bucket | not a duration"})
    void aBadWindowOrBucketIsRefusedNamingTheParameter(String window, String bucket, String field, String message) {
        assertThatThrownBy(() -> StatsWindow.of(window, bucket, NOW))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((Invalid) e).properties().get("errors").toString()).contains("path=" + field));
    }
}
