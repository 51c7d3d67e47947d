package dev.braid.app.triggers.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * Which fire times catch-up derives from a stretch of enabled time: crons as users type them (5 fields, a
 * time zone with daylight saving), a stretch closed by a disable, and "now" from an injected clock.
 */
class MissedFireTimesTest {

    private static final RecipeParser PARSER = new RecipeParser(ConnectorRegistry.load(), Expressions.withDefaults());

    /** The schedule of a recipe as a save reads it: {@code schedule: { cron, timezone, catchUp }}. */
    private static ScheduleSettings schedule(String cron, String zone, String catchUp) {
        return ScheduleSettings.of(PARSER.parse("""
                slug: report
                name: Report
                trigger:
                  schedule: { cron: "%s", timezone: %s, catchUp: %s }
                steps:
                  - { id: hello, action: core.log, with: { message: hi } }
                """.formatted(cron, zone, catchUp), SourceFormat.YAML).trigger());
    }

    private static MissedFireTimes at(String now, int maxCatchUp) {
        return new MissedFireTimes(Clock.fixed(Instant.parse(now), ZoneOffset.UTC), maxCatchUp);
    }

    private static Instant t(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void theWallClockTimeSkippedWhenTheClocksGoForwardDoesNotFall() {
        // 01:30 every night in London; on 29 March 2026 the clocks jump from 01:00 GMT to 02:00 BST.
        ScheduleSettings nightly = schedule("30 1 * * *", "Europe/London", "all");
        MissedFireTimes.Missed missed = at("2026-03-31T12:00:00Z", 100)
                .of(nightly, t("2026-03-20T12:00:00Z"), null, Optional.of(t("2026-03-28T01:30:00Z")));
        // 30 and 31 March at 01:30 BST = 00:30 UTC; nothing on the 29th.
        assertThat(missed.times()).containsExactly(t("2026-03-30T00:30:00Z"), t("2026-03-31T00:30:00Z"));
        assertThat(missed.capped()).isFalse();
        assertThat(MissedFireTimes.isFireTime(nightly, t("2026-03-29T01:30:00Z"))).isFalse();
        assertThat(MissedFireTimes.isFireTime(nightly, t("2026-03-29T00:30:00Z"))).isFalse();
        assertThat(MissedFireTimes.isFireTime(nightly, t("2026-03-30T00:30:00Z"))).isTrue();
    }

    @Test
    void aStretchClosedByADisableKeepsItsFireTimesUpToTheDisableAndNoneAfter() {
        // Every half hour between 01:00 and 01:59 London time; on 25 October 2026 the clocks go back at 02:00 BST,
        // so 01:00 and 01:30 come twice: 00:00Z, 00:30Z (BST), then 01:00Z, 01:30Z (GMT). The node firing it died
        // after 00:00Z; the recipe was disabled at 01:10Z, long before anyone caught up (the clock says 26 October).
        Instant from = t("2026-10-24T12:00:00Z");
        Instant disabled = t("2026-10-25T01:10:00Z");
        Optional<Instant> lastRecorded = Optional.of(t("2026-10-25T00:00:00Z"));
        MissedFireTimes later = at("2026-10-26T09:00:00Z", 100);

        assertThat(later.of(schedule("*/30 1 * * *", "Europe/London", "all"), from, disabled, lastRecorded).times())
                .containsExactly(t("2026-10-25T00:30:00Z"), t("2026-10-25T01:00:00Z"));
        assertThat(later.of(schedule("*/30 1 * * *", "Europe/London", "last"), from, disabled, lastRecorded).times())
                .containsExactly(t("2026-10-25T01:00:00Z"));
        assertThat(later.of(schedule("*/30 1 * * *", "Europe/London", "none"), from, disabled, lastRecorded).times())
                .isEmpty();
        // A disable exactly at a fire time keeps that fire time: (from, until].
        assertThat(later.of(schedule("*/30 1 * * *", "Europe/London", "all"), from, t("2026-10-25T01:00:00Z"),
                lastRecorded).times()).containsExactly(t("2026-10-25T00:30:00Z"), t("2026-10-25T01:00:00Z"));
    }

    @Test
    void anOpenStretchEndsAtTheClocksNowAndAtTheLiveFiresOwnTime() {
        ScheduleSettings halfHourly = schedule("*/30 1 * * *", "Europe/London", "all");
        Instant from = t("2026-10-24T12:00:00Z");
        // Now is 00:45Z on the night the clocks go back: the repeated hour has not come yet.
        assertThat(at("2026-10-25T00:45:00Z", 100).of(halfHourly, from, null, Optional.empty()).times())
                .containsExactly(t("2026-10-25T00:00:00Z"), t("2026-10-25T00:30:00Z"));
        // A live fire at 01:30Z catches up what lies before its own time, not itself.
        assertThat(at("2026-10-25T01:30:00.002Z", 100).of(halfHourly, from, null, Optional.of(t("2026-10-25T00:30:00Z")),
                t("2026-10-25T01:29:59.999Z")).times()).containsExactly(t("2026-10-25T01:00:00Z"));
    }

    @Test
    void aFireTimeRecordedBeforeTheStretchDoesNotMoveItsStart() {
        // Enabled again at 09:10 after a night switched off: the fire times of the night are not missed.
        ScheduleSettings everyFiveMinutes = schedule("*/5 * * * *", "UTC", "all");
        assertThat(at("2026-11-30T09:21:00Z", 100).of(everyFiveMinutes, t("2026-11-30T09:10:00Z"), null,
                Optional.of(t("2026-11-29T22:00:00Z"))).times())
                .containsExactly(t("2026-11-30T09:15:00Z"), t("2026-11-30T09:20:00Z"));
    }

    @Test
    void allIsCappedAtTheMostRecentOnesAndSaysSo() {
        ScheduleSettings everyMinute = schedule("* * * * *", "America/New_York", "all");
        // A whole day missed: 1,440 fire times, of which the latest 100 are kept.
        MissedFireTimes.Missed missed = at("2026-11-30T00:00:00Z", 100)
                .of(everyMinute, t("2026-11-28T00:00:00Z"), null, Optional.of(t("2026-11-29T00:00:00Z")));
        assertThat(missed.capped()).isTrue();
        assertThat(missed.times()).hasSize(100);
        assertThat(missed.times().getFirst()).isEqualTo(t("2026-11-29T22:21:00Z"));
        assertThat(missed.times().getLast()).isEqualTo(t("2026-11-30T00:00:00Z"));
    }
}
