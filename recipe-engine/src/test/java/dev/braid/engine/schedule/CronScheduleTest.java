package dev.braid.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What users type, per dialect, and the refusals a recipe author sees at save (issue 13). */
class CronScheduleTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void theDialectFollowsTheNumberOfFields() {
        assertThat(CronSchedule.parse("*/5 * * * *").dialect()).isEqualTo(CronSchedule.Dialect.UNIX);
        assertThat(CronSchedule.parse("0 0 2 * * *").dialect()).isEqualTo(CronSchedule.Dialect.SECONDS);
        assertThat(CronSchedule.parse("0 0 2 ? * MON-FRI 2027").dialect()).isEqualTo(CronSchedule.Dialect.QUARTZ);
        assertThat(CronSchedule.parse("@daily").dialect()).isEqualTo(CronSchedule.Dialect.MACRO);
    }

    @Test
    void designsOwnExampleAndEverySecondFire() {
        // Both were saved, then refused by Quartz at every refresh ("both a day-of-week AND a day-of-month").
        assertThat(times("0 0 2 * * *", UTC, "2026-11-29T00:00:00Z", 2))
                .containsExactly("2026-11-29T02:00:00Z", "2026-11-30T02:00:00Z");
        assertThat(times("* * * * * *", UTC, "2026-11-29T00:00:00.500Z", 3))
                .containsExactly("2026-11-29T00:00:01Z", "2026-11-29T00:00:02Z", "2026-11-29T00:00:03Z");
    }

    @Test
    void unixFiveFieldsFireOnWholeMinutesWithSundayAsZeroOrSeven() {
        assertThat(times("*/5 * * * *", UTC, "2026-11-29T10:02:30Z", 2))
                .containsExactly("2026-11-29T10:05:00Z", "2026-11-29T10:10:00Z");
        // 29 November 2026 is a Sunday.
        assertThat(times("0 9 * * 0", UTC, "2026-11-28T00:00:00Z", 1)).containsExactly("2026-11-29T09:00:00Z");
        assertThat(times("0 9 * * 7", UTC, "2026-11-28T00:00:00Z", 1)).containsExactly("2026-11-29T09:00:00Z");
        assertThat(times("0 9 * * sun", UTC, "2026-11-28T00:00:00Z", 1)).containsExactly("2026-11-29T09:00:00Z");
        assertThat(times("0 9 1 jan *", UTC, "2026-11-28T00:00:00Z", 1)).containsExactly("2027-01-01T09:00:00Z");
    }

    @Test
    void aWeekdayRangeFromSundayRunsSundayToTheLastDayNamed() {
        // 29 November 2026 is a Sunday: SUN-TUE is Sunday, Monday and Tuesday, never the rest of the week.
        assertThat(times("0 9 * * SUN-TUE", UTC, "2026-11-28T00:00:00Z", 4)).containsExactly("2026-11-29T09:00:00Z",
                "2026-11-30T09:00:00Z", "2026-12-01T09:00:00Z", "2026-12-06T09:00:00Z");
    }

    @Test
    void unixFiresOnADayMatchingEitherDayFieldSpringOnlyOnOneMatchingBoth() {
        // The 13th or a Friday (Unix) against Friday the 13th (6 fields, Spring).
        assertThat(times("0 0 13 * 5", UTC, "2026-11-01T00:00:00Z", 4)).containsExactly("2026-11-06T00:00:00Z",
                "2026-11-13T00:00:00Z", "2026-11-20T00:00:00Z", "2026-11-27T00:00:00Z");
        assertThat(times("0 0 0 13 * FRI", UTC, "2026-11-01T00:00:00Z", 2))
                .containsExactly("2026-11-13T00:00:00Z", "2027-08-13T00:00:00Z");
    }

    @Test
    void quartzSevenFieldsNumberWeekdaysFromSundayAndKeepTheirExtras() {
        assertThat(times("0 0 9 ? * 1 *", UTC, "2026-11-28T00:00:00Z", 1)).containsExactly("2026-11-29T09:00:00Z");
        assertThat(times("0 0 18 L * ? *", UTC, "2026-11-01T00:00:00Z", 2))
                .containsExactly("2026-11-30T18:00:00Z", "2026-12-31T18:00:00Z");
        // The second Friday, the last Friday, the weekday nearest the 1st (1 August 2026 is a Saturday).
        assertThat(times("0 0 9 ? * 6#2 2026", UTC, "2026-11-01T00:00:00Z", 2))
                .containsExactly("2026-11-13T09:00:00Z", "2026-12-11T09:00:00Z");
        assertThat(times("0 0 9 ? * 6L 2026", UTC, "2026-11-01T00:00:00Z", 1)).containsExactly("2026-11-27T09:00:00Z");
        assertThat(times("0 0 9 1W 8 ? 2026", UTC, "2026-01-01T00:00:00Z", 1)).containsExactly("2026-08-03T09:00:00Z");
        // Its years end: no fire time after them.
        assertThat(CronSchedule.parse("0 0 2 ? * MON-FRI 2027").next(Instant.parse("2028-01-01T00:00:00Z"), UTC)).isEmpty();
    }

    @Test
    void macrosAreTheirUnixEquivalents() {
        Instant from = Instant.parse("2026-11-29T10:20:00Z");
        assertThat(times("@hourly", UTC, from.toString(), 1)).containsExactly("2026-11-29T11:00:00Z");
        assertThat(times("@daily", UTC, from.toString(), 1)).containsExactly("2026-11-30T00:00:00Z");
        assertThat(times("@midnight", UTC, from.toString(), 1)).containsExactly("2026-11-30T00:00:00Z");
        assertThat(times("@weekly", UTC, from.toString(), 1)).containsExactly("2026-12-06T00:00:00Z");
        assertThat(times("@monthly", UTC, from.toString(), 1)).containsExactly("2026-12-01T00:00:00Z");
        assertThat(times("@yearly", UTC, from.toString(), 1)).containsExactly("2027-01-01T00:00:00Z");
        assertThat(times("@annually", UTC, from.toString(), 1)).containsExactly("2027-01-01T00:00:00Z");
    }

    @Test
    void wallClockTimesSkippedByTheClocksGoingForwardDoNotFireRepeatedOnesFireTwice() {
        // London: 01:00-02:00 does not exist on 29 March 2026 and happens twice on 25 October 2026.
        assertThat(times("30 1 * * *", LONDON, "2026-03-28T00:00:00Z", 2))
                .containsExactly("2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z");
        assertThat(times("30 1 * * *", LONDON, "2026-10-24T12:00:00Z", 3))
                .containsExactly("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-26T01:30:00Z");
        // An every-20-minutes cron fires every 20 real minutes through both changes.
        assertThat(times("*/20 * * * *", LONDON, "2026-10-25T00:30:00Z", 5)).containsExactly("2026-10-25T00:40:00Z",
                "2026-10-25T01:00:00Z", "2026-10-25T01:20:00Z", "2026-10-25T01:40:00Z", "2026-10-25T02:00:00Z");
        assertThat(times("*/20 * * * *", LONDON, "2026-03-29T00:30:00Z", 3))
                .containsExactly("2026-03-29T00:40:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:20:00Z");
    }

    @Test
    void aCronThatCanNeverFireIsRefusedWithACorrection() {
        assertThatThrownBy(() -> CronSchedule.parse("0 0 0 30 2 ?")).isInstanceOf(InvalidCron.class)
                .hasMessageContaining("'0 0 0 30 2 ?' never fires").hasMessageContaining("`0 0 0 L 2 ?`");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 31 4,6 *")).hasMessageContaining("never fires");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 0 ? 2 MON#5 2026")).hasMessageContaining("never fires");
    }

    @Test
    void refusalsSayWhatIsWrongAndShowAWorkingForm() {
        assertThatThrownBy(() -> CronSchedule.parse("0 2 * *"))
                .hasMessageContaining("'0 2 * *' has 4 fields")
                .hasMessageContaining("`0 2 * * *`").hasMessageContaining("`0 0 2 * * *`")
                .hasMessageContaining("`0 0 2 ? * MON-FRI 2027`").hasMessageContaining("@daily");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 2 1 * MON 2027"))
                .hasMessageContaining("cannot restrict both day-of-month and day-of-week")
                .hasMessageContaining("`0 0 2 1 * ? 2027`").hasMessageContaining("`0 0 2 ? * MON 2027`");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 2 ? * 2")).hasMessageContaining("`0 0 2 ? * MON-FRI`");
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *")).hasMessageContaining("'61' is outside the minute range 0-59");
        assertThatThrownBy(() -> CronSchedule.parse("*/0 * * * *")).hasMessageContaining("must be 1 or more");
        assertThatThrownBy(() -> CronSchedule.parse("0 22-2 * * *")).hasMessageContaining("runs backwards")
                .hasMessageContaining("'22-23,0-2'");
        assertThatThrownBy(() -> CronSchedule.parse("? * * * *")).hasMessageContaining("? stands only in day-of-month");
        assertThatThrownBy(() -> CronSchedule.parse("@reboot")).hasMessageContaining("not a cron macro");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 9 ? * FRI#6 *")).hasMessageContaining("1 to 5");
        assertThatThrownBy(() -> CronSchedule.parse("")).hasMessageContaining("has 0 fields");
    }

    private static List<String> times(String cron, ZoneId zone, String from, int count) {
        CronSchedule schedule = CronSchedule.parse(cron);
        List<String> times = new ArrayList<>();
        Instant at = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            Optional<Instant> next = schedule.next(at, zone);
            if (next.isEmpty()) {
                break;
            }
            at = next.get();
            times.add(at.toString());
        }
        return times;
    }
}
