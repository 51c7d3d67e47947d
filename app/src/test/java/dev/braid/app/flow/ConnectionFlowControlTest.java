package dev.braid.app.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.braid.engine.run.ConnectionGuards.Admission;
import dev.braid.engine.run.StepError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guard without a database: a connection without flow control, and the settings' validation. The circuit and
 * the rate budget are shared through PostgreSQL: {@link ConnectionFlowControlIT}; the slice arithmetic:
 * {@link RateSlicesTest}, {@link RateBudgetTest}.
 */
class ConnectionFlowControlTest {

    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();
    final Map<String, JsonNode> stored = new HashMap<>();
    final ConnectionFlowControl guards = new ConnectionFlowControl(n -> Optional.ofNullable(stored.get(n)), clock);

    static JsonNode json(String text) {
        return JsonMapper.builder().build().readTree(text);
    }

    static final StepError UNAVAILABLE = new StepError("http.503", "Service Unavailable", true);
    static final StepError BAD_REQUEST = new StepError("http.400", "Bad Request", false);

    void fail(String connection, StepError error) {
        Admission a = guards.admit(connection);
        assertThat(a).isInstanceOf(Admission.Granted.class);
        ((Admission.Granted) a).ticket().failed(error);
    }

    @Test
    void noFlowControlGrantsEveryCall() {
        for (int i = 0; i < 20; i++) {
            fail("plain", UNAVAILABLE);
        }
        assertThat(guards.admit("plain")).isInstanceOf(Admission.Granted.class);
    }

    @Test
    void unknownKeysAndBadDurationsNameTheField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FlowSettings.of(json("""
                {"circuitBreaker": {"openFor": "soon"}}""")))
                .isInstanceOfSatisfying(FlowSettings.FlowSettingsException.class,
                        e -> assertThat(e.field()).isEqualTo("circuitBreaker.openFor"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FlowSettings.of(json("""
                {"rateLimit": {"requests": 2, "per": "1s", "burst": 3}}""")))
                .isInstanceOfSatisfying(FlowSettings.FlowSettingsException.class,
                        e -> assertThat(e.field()).isEqualTo("rateLimit.burst"));
    }
}
