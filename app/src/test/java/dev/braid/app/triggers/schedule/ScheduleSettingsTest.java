package dev.braid.app.triggers.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.spi.ConnectorRegistry;

class ScheduleSettingsTest {

    private static final RecipeParser PARSER = new RecipeParser(ConnectorRegistry.load(), Expressions.withDefaults());

    /** The schedule of a recipe whose trigger is {@code schedule: <json>}, read by the parser as a save is. */
    private static ScheduleSettings settings(String json) {
        return ScheduleSettings.of(PARSER.parse("""
                slug: nightly
                name: Nightly
                trigger:
                  schedule: %s
                steps:
                  - { id: hello, action: core.log, with: { message: hi } }
                """.formatted(json), SourceFormat.YAML).trigger());
    }

    @Test
    void defaultsAreUtcAndCatchUpLast() {
        ScheduleSettings s = settings("{\"cron\": \"0 0 2 * * ?\"}");
        assertThat(s.zone().getId()).isEqualTo("UTC");
        assertThat(s.catchUp()).isEqualTo(TriggerSettings.Schedule.CatchUp.LAST);
    }

    @Test
    void fireTimesFollowTheTimeZoneAcrossTheDaylightSavingChange() {
        // 03:00 in Berlin is 01:00 UTC in summer and 02:00 UTC in winter; the clocks went back on 25 October 2026.
        ScheduleSettings s = settings("{\"cron\": \"0 0 3 * * ?\", \"timezone\": \"Europe/Berlin\"}");
        assertThat(s.fireTimes(Instant.parse("2026-10-23T12:00:00Z"), Instant.parse("2026-10-27T00:00:00Z"), 10))
                .containsExactly(Instant.parse("2026-10-24T01:00:00Z"), Instant.parse("2026-10-25T02:00:00Z"),
                        Instant.parse("2026-10-26T02:00:00Z"));
    }

    @Test
    void fireTimesAreExclusiveOfTheStartInclusiveOfTheEndAndCapped() {
        ScheduleSettings s = settings("{\"cron\": \"*/10 * * * * ?\"}");
        assertThat(s.fireTimes(Instant.parse("2026-11-29T00:00:00Z"), Instant.parse("2026-11-29T00:00:30Z"), 10))
                .containsExactly(Instant.parse("2026-11-29T00:00:10Z"), Instant.parse("2026-11-29T00:00:20Z"),
                        Instant.parse("2026-11-29T00:00:30Z"));
        assertThat(s.fireTimes(Instant.parse("2026-11-29T00:00:00Z"), Instant.parse("2026-11-29T01:00:00Z"), 2)).hasSize(2);
    }

    @Test
    void latestFireTimesKeepsTheMostRecentOnes() {
        ScheduleSettings s = settings("{\"cron\": \"0 * * * * ?\"}");
        assertThat(s.latestFireTimes(Instant.parse("2026-11-29T00:00:00Z"), Instant.parse("2026-11-29T01:00:00Z"), 2))
                .containsExactly(Instant.parse("2026-11-29T00:59:00Z"), Instant.parse("2026-11-29T01:00:00Z"));
    }

    @Test
    void latestFireTimesAfterALongDowntimeUnderAPerSecondCronAreTheLastOnes() {
        ScheduleSettings s = settings("{\"cron\": \"*/1 * * * * ?\"}");
        assertThat(s.latestFireTimes(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-11-29T03:00:00Z"), 3))
                .containsExactly(Instant.parse("2026-11-29T02:59:58Z"), Instant.parse("2026-11-29T02:59:59Z"),
                        Instant.parse("2026-11-29T03:00:00Z"));
        // A window reaching past 'after' stops there.
        ScheduleSettings daily = settings("{\"cron\": \"0 0 2 * * ?\"}");
        assertThat(daily.latestFireTimes(Instant.parse("2026-11-26T12:00:00Z"), Instant.parse("2026-11-29T03:00:00Z"), 100))
                .containsExactly(Instant.parse("2026-11-27T02:00:00Z"), Instant.parse("2026-11-28T02:00:00Z"),
                        Instant.parse("2026-11-29T02:00:00Z"));
    }

    @Test
    void everyDialectEnumeratesFireTimes() {
        // Issue 13: "0 0 2 * * *" made Quartz throw here (backfill preview 500); five fields were refused.
        assertThat(settings("{\"cron\": \"0 0 2 * * *\"}").fireTimes(Instant.parse("2026-11-28T00:00:00Z"),
                Instant.parse("2026-11-30T00:00:00Z"), 10))
                .containsExactly(Instant.parse("2026-11-28T02:00:00Z"), Instant.parse("2026-11-29T02:00:00Z"));
        assertThat(settings("{\"cron\": \"*/5 * * * *\", \"timezone\": \"America/New_York\"}")
                .fireTimes(Instant.parse("2026-11-29T00:00:00Z"), Instant.parse("2026-11-29T00:12:00Z"), 10))
                .containsExactly(Instant.parse("2026-11-29T00:05:00Z"), Instant.parse("2026-11-29T00:10:00Z"));
        assertThat(settings("{\"cron\": \"@hourly\", \"timezone\": \"Asia/Kolkata\"}")
                .fireTimes(Instant.parse("2026-11-29T00:00:00Z"), Instant.parse("2026-11-29T02:00:00Z"), 10))
                .containsExactly(Instant.parse("2026-11-29T00:30:00Z"), Instant.parse("2026-11-29T01:30:00Z"));
        assertThat(settings("{\"cron\": \"0 0 2 ? * MON-FRI 2026\"}")
                .fireTimes(Instant.parse("2026-12-30T00:00:00Z"), Instant.parse("2027-01-10T00:00:00Z"), 10))
                .containsExactly(Instant.parse("2026-12-30T02:00:00Z"), Instant.parse("2026-12-31T02:00:00Z"));
    }

    @Test
    void aStoredCronThatCannotBeScheduledIsAnInvalidCron() {
        // Saving refuses it now (the parser reads crons with the same class); a record of one stored before is refused here.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScheduleSettings.of(new TriggerSettings.Schedule("0 0 0 30 2 ?",
                        java.time.ZoneId.of("UTC"), TriggerSettings.Schedule.CatchUp.LAST)))
                .isInstanceOf(dev.braid.engine.schedule.InvalidCron.class).hasMessageContaining("never fires");
    }

    @Test
    void theKeyIsTheUtcInstantToTheSecond() {
        assertThat(ScheduleSettings.key(Instant.parse("2026-11-29T03:00:00Z"))).isEqualTo("2026-11-29T03:00:00Z");
    }
}
