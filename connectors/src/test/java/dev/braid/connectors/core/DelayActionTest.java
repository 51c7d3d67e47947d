package dev.braid.connectors.core;

import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;

class DelayActionTest {

    private static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");

    private final DelayAction delay = new DelayAction();

    @Test
    void theFirstCallAsksToWaitUntilNowPlusTheDuration() throws ActionException {
        ActionResult result = delay.execute(aContext().clock(at(NOW)).build(), object("{duration: '3s'}"));

        assertThat(result.waiting()).contains(NOW.plusSeconds(3));
        assertThat(result.output()).isEqualTo(object("{until: '2026-01-05T09:00:03Z'}"));
    }

    @Test
    void aCallAfterTheTimeFinishesWithTheTimeItWaitedFor() throws ActionException {
        ActionResult result = delay.execute(aContext().clock(at(NOW.plusSeconds(4)))
                .resumedState(object("{until: '2026-01-05T09:00:03Z'}")).build(), object("{duration: '3s'}"));

        assertThat(result.waiting()).isEmpty();
        assertThat(result.output()).isEqualTo(object("{until: '2026-01-05T09:00:03Z', waited: '3s'}"));
    }

    @Test
    void anEarlyWakeUpWaitsAgainUntilTheSameInstantNotAFullDurationMore() throws ActionException {
        ActionResult result = delay.execute(aContext().clock(at(NOW.plusSeconds(1)))
                .resumedState(object("{until: '2026-01-05T09:00:03Z'}")).build(), object("{duration: '3s'}"));

        assertThat(result.waiting()).contains(NOW.plusSeconds(3));
    }

    @Test
    void isoDurationsAndZeroWork() throws ActionException {
        assertThat(delay.execute(aContext().clock(at(NOW)).build(), object("{duration: 'PT1M'}")).waiting())
                .contains(NOW.plusSeconds(60));
        assertThat(delay.execute(aContext().clock(at(NOW)).build(), object("{duration: '0s'}")).waiting()).isEmpty();
    }

    @Test
    void badOrTooLongDurationsAreFatalAndNameTheField() {
        ActionException bad = catchThrowableOfType(ActionException.class,
                () -> delay.execute(aContext().clock(at(NOW)).build(), object("{duration: 'soon'}")));
        assertThat(bad.retryable()).isFalse();
        assertThat(bad.getMessage()).contains("with.duration");

        ActionException tooLong = catchThrowableOfType(ActionException.class,
                () -> delay.execute(aContext().clock(at(NOW)).build(), object("{duration: '31d'}")));
        assertThat(tooLong.retryable()).isFalse();
        assertThat(tooLong.getMessage()).contains("30 days");
    }

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }
}
