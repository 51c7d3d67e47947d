package dev.braid.app.triggers.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.braid.engine.model.TriggerSettings;

/** When the board says a poll is next due. */
class PollHealthTest {

    private static final Instant NOW = Instant.parse("2026-12-07T14:00:10Z");

    @Test
    void anIntervalPollIsDueOneIntervalAfterTheLastPollOfAnyNode() {
        TriggerSettings.Poll every = poll(Duration.ofMinutes(1), null);
        assertThat(PollHealth.next(every, Instant.parse("2026-12-07T13:59:40Z"), NOW)).isEqualTo(Instant.parse("2026-12-07T14:00:40Z"));
        // Never polled: due at once.
        assertThat(PollHealth.next(every, null, NOW)).isEqualTo(NOW);
    }

    @Test
    void aCronPollIsDueAtItsNextTimeInUtc() {
        TriggerSettings.Poll cron = poll(null, "*/15 * * * *");
        assertThat(PollHealth.next(cron, Instant.parse("2026-12-07T14:00:00Z"), NOW)).isEqualTo(Instant.parse("2026-12-07T14:15:00Z"));
    }

    private static TriggerSettings.Poll poll(Duration every, String cron) {
        return new TriggerSettings.Poll("shop-db", every, cron, "select * from orders where id > :cursor", null, null, "id", null,
                null, null);
    }
}
