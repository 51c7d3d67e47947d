package dev.braid.app.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
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
    void circuitOpensAfterThresholdAndDefersUntilOpenPlusOpenFor() {
        stored.put("api", json("""
                {"circuitBreaker": {"minimumCalls": 3, "slidingWindow": 3, "failureRateThreshold": 50, "openFor": "2s"}}"""));
        fail("api", UNAVAILABLE);
        fail("api", UNAVAILABLE);
        Instant openedAt = clock.now;
        fail("api", UNAVAILABLE);

        clock.now = clock.now.plusMillis(500);
        Admission a = guards.admit("api");
        assertThat(a).isInstanceOfSatisfying(Admission.Deferred.class, d -> {
            assertThat(d.reason()).isEqualTo("circuit");
            assertThat(d.until()).isEqualTo(openedAt.plusSeconds(2));
            assertThat(d.detail()).contains("api circuit open after 100% failures");
        });
    }

    @Test
    void halfOpenLetsHalfOpenCallsThroughAndASuccessCloses() {
        stored.put("api", json("""
                {"circuitBreaker": {"minimumCalls": 2, "slidingWindow": 2, "openFor": "1s", "halfOpenCalls": 2}}"""));
        fail("api", UNAVAILABLE);
        fail("api", UNAVAILABLE);
        assertThat(guards.admit("api")).isInstanceOf(Admission.Deferred.class);

        clock.now = clock.now.plusSeconds(1).plusMillis(1);
        Admission first = guards.admit("api");
        Admission second = guards.admit("api");
        Admission third = guards.admit("api");
        assertThat(first).isInstanceOf(Admission.Granted.class);
        assertThat(second).isInstanceOf(Admission.Granted.class);
        assertThat(third).isInstanceOf(Admission.Deferred.class);

        ((Admission.Granted) first).ticket().succeeded();
        ((Admission.Granted) second).ticket().succeeded();
        for (int i = 0; i < 5; i++) {
            assertThat(guards.admit("api")).isInstanceOf(Admission.Granted.class);
        }
    }

    @Test
    void fatalErrorsDoNotOpenTheCircuit() {
        stored.put("api", json("""
                {"circuitBreaker": {"minimumCalls": 3, "slidingWindow": 3}}"""));
        for (int i = 0; i < 10; i++) {
            fail("api", BAD_REQUEST);
        }
        assertThat(guards.admit("api")).isInstanceOf(Admission.Granted.class);
    }

    @Test
    void rateLimiterDefersTheCallOverTheLimitAndGrantsAfterRefresh() {
        stored.put("api", json("""
                {"rateLimit": {"requests": 2, "per": "300ms"}}"""));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            // a period boundary may fall between two calls; try until three land in one period
            assertThat(guards.admit("api")).isInstanceOf(Admission.Granted.class);
            assertThat(guards.admit("api")).isInstanceOf(Admission.Granted.class);
            Admission third = guards.admit("api");
            assertThat(third).isInstanceOfSatisfying(Admission.Deferred.class, d -> {
                assertThat(d.reason()).isEqualTo("rate-limit");
                assertThat(Duration.between(clock.now, d.until())).isPositive()
                        .isLessThanOrEqualTo(Duration.ofMillis(300));
            });
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> guards.admit("api") instanceof Admission.Granted);
    }

    @Test
    void aSettingsChangeRebuildsTheGuard() {
        stored.put("api", json("""
                {"circuitBreaker": {"minimumCalls": 2, "slidingWindow": 2, "openFor": "1m"}}"""));
        fail("api", UNAVAILABLE);
        fail("api", UNAVAILABLE);
        assertThat(guards.admit("api")).isInstanceOf(Admission.Deferred.class);

        stored.put("api", json("""
                {"circuitBreaker": {"minimumCalls": 5, "slidingWindow": 5, "openFor": "1m"}}"""));
        assertThat(guards.admit("api")).as("cached until the recheck").isInstanceOf(Admission.Deferred.class);
        clock.now = clock.now.plus(ConnectionFlowControl.RECHECK);
        assertThat(guards.admit("api")).isInstanceOf(Admission.Granted.class);

        stored.remove("api");
        guards.invalidate("api");
        for (int i = 0; i < 10; i++) {
            fail("api", UNAVAILABLE);
        }
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
