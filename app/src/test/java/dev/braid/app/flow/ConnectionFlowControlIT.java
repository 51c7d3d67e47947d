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
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.engine.run.ConnectionGuards.Admission;
import dev.braid.engine.run.StepError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One node's guard on the shared flow control in PostgreSQL ({@link FlowLedger}), with an injected clock for the
 * circuit's times; a second guard plays a second node and sees the circuit the first opened. The three-node run
 * against a stub: {@link ClusterFlowControlIT}.
 */
class ConnectionFlowControlIT extends BraidIntegrationTest {

    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        volatile boolean live;

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
            if (live) {
                now = Instant.now();
            }
            return now;
        }
    }

    final TestClock clock = new TestClock();
    final Map<String, JsonNode> stored = new HashMap<>();
    /** A connection name of this test alone: the tables are shared with the other tests. */
    final String api = "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL) + "-api";
    ConnectionFlowControl guards;
    ConnectionFlowControl otherNode;

    @BeforeEach
    void guards() {
        FlowLedger ledger = new FlowLedger(jdbc);
        guards = new ConnectionFlowControl(n -> Optional.ofNullable(stored.get(n)), clock, ledger, "node-a",
                FlowControlSettings.DEFAULTS);
        otherNode = new ConnectionFlowControl(n -> Optional.ofNullable(stored.get(n)), clock, ledger, "node-b",
                FlowControlSettings.DEFAULTS);
    }

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
    void circuitOpensAfterThresholdAndDefersUntilOpenPlusOpenFor() {
        stored.put(api, json("""
                {"circuitBreaker": {"minimumCalls": 3, "slidingWindow": 3, "failureRateThreshold": 50, "openFor": "2s"}}"""));
        fail(api, UNAVAILABLE);
        fail(api, UNAVAILABLE);
        Instant openedAt = clock.now;
        fail(api, UNAVAILABLE);

        clock.now = clock.now.plusMillis(500);
        Admission a = guards.admit(api);
        assertThat(a).isInstanceOfSatisfying(Admission.Deferred.class, d -> {
            assertThat(d.reason()).isEqualTo("circuit");
            assertThat(d.until()).isEqualTo(openedAt.plusSeconds(2));
            assertThat(d.detail()).contains("api circuit open after 100% failures");
        });
    }

    @Test
    void halfOpenLetsHalfOpenCallsThroughAndASuccessCloses() {
        stored.put(api, json("""
                {"circuitBreaker": {"minimumCalls": 2, "slidingWindow": 2, "openFor": "1s", "halfOpenCalls": 2}}"""));
        fail(api, UNAVAILABLE);
        fail(api, UNAVAILABLE);
        assertThat(guards.admit(api)).isInstanceOf(Admission.Deferred.class);

        clock.now = clock.now.plusSeconds(1).plusMillis(1);
        Admission first = guards.admit(api);
        Admission second = guards.admit(api);
        Admission third = guards.admit(api);
        assertThat(first).isInstanceOf(Admission.Granted.class);
        assertThat(second).isInstanceOf(Admission.Granted.class);
        assertThat(third).isInstanceOf(Admission.Deferred.class);

        ((Admission.Granted) first).ticket().succeeded();
        ((Admission.Granted) second).ticket().succeeded();
        for (int i = 0; i < 5; i++) {
            assertThat(guards.admit(api)).isInstanceOf(Admission.Granted.class);
        }
    }

    @Test
    void fatalErrorsDoNotOpenTheCircuit() {
        stored.put(api, json("""
                {"circuitBreaker": {"minimumCalls": 3, "slidingWindow": 3}}"""));
        for (int i = 0; i < 10; i++) {
            fail(api, BAD_REQUEST);
        }
        assertThat(guards.admit(api)).isInstanceOf(Admission.Granted.class);
    }

    @Test
    void rateLimiterDefersTheCallOverTheLimitAndGrantsAfterRefresh() {
        clock.live = true; // the budget's windows are on the database's clock: this test follows real time
        stored.put(api, json("""
                {"rateLimit": {"requests": 2, "per": "300ms"}}"""));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            // a period boundary may fall between two calls; try until three land in one period
            assertThat(guards.admit(api)).isInstanceOf(Admission.Granted.class);
            assertThat(guards.admit(api)).isInstanceOf(Admission.Granted.class);
            Admission third = guards.admit(api);
            assertThat(third).isInstanceOfSatisfying(Admission.Deferred.class, d -> {
                assertThat(d.reason()).isEqualTo("rate-limit");
                assertThat(Duration.between(clock.now, d.until())).isPositive()
                        .isLessThanOrEqualTo(Duration.ofMillis(300));
            });
        });
        await().atMost(Duration.ofSeconds(2)).until(() -> guards.admit(api) instanceof Admission.Granted);
    }

    @Test
    void aSettingsChangeRebuildsTheGuard() {
        stored.put(api, json("""
                {"circuitBreaker": {"minimumCalls": 2, "slidingWindow": 2, "openFor": "1m"}}"""));
        fail(api, UNAVAILABLE);
        fail(api, UNAVAILABLE);
        assertThat(guards.admit(api)).isInstanceOf(Admission.Deferred.class);

        stored.put(api, json("""
                {"circuitBreaker": {"minimumCalls": 5, "slidingWindow": 5, "openFor": "1m"}}"""));
        assertThat(guards.admit(api)).as("cached until the recheck").isInstanceOf(Admission.Deferred.class);
        clock.now = clock.now.plus(ConnectionFlowControl.RECHECK);
        assertThat(guards.admit(api)).isInstanceOf(Admission.Granted.class);

        stored.remove(api);
        guards.invalidate(api);
        for (int i = 0; i < 10; i++) {
            fail(api, UNAVAILABLE);
        }
    }

    @Test
    void aCircuitOpenedOnOneNodeStopsTheOtherWithinTheSyncAndHalfOpenLetsOneProbeThroughClusterWide() {
        stored.put(api, json("""
                {"circuitBreaker": {"minimumCalls": 2, "slidingWindow": 2, "openFor": "5s"}}"""));
        assertThat(otherNode.admit(api)).as("read closed").isInstanceOf(Admission.Granted.class);
        fail(api, UNAVAILABLE);
        fail(api, UNAVAILABLE);
        assertThat(otherNode.admit(api)).as("its read is fresh for circuit-sync").isInstanceOf(Admission.Granted.class);
        clock.now = clock.now.plus(FlowControlSettings.DEFAULTS.circuitSync());
        assertThat(otherNode.admit(api)).isInstanceOfSatisfying(Admission.Deferred.class, d -> {
            assertThat(d.reason()).isEqualTo("circuit");
            assertThat(d.detail()).contains("opened by node-a");
        });

        clock.now = clock.now.plusSeconds(5);
        Admission probe = otherNode.admit(api);
        assertThat(probe).as("the one probe").isInstanceOf(Admission.Granted.class);
        assertThat(guards.admit(api)).as("no second probe on another node").isInstanceOf(Admission.Deferred.class);
        assertThat(otherNode.admit(api)).as("nor on the same node").isInstanceOf(Admission.Deferred.class);
        ((Admission.Granted) probe).ticket().failed(UNAVAILABLE);
        assertThat(otherNode.admit(api)).as("opened again by the failed probe").isInstanceOf(Admission.Deferred.class);

        clock.now = clock.now.plusSeconds(6);
        Admission second = guards.admit(api);
        assertThat(second).isInstanceOf(Admission.Granted.class);
        ((Admission.Granted) second).ticket().succeeded();
        clock.now = clock.now.plus(FlowControlSettings.DEFAULTS.circuitSync());
        for (int i = 0; i < 3; i++) {
            assertThat(otherNode.admit(api)).as("closed everywhere").isInstanceOf(Admission.Granted.class);
            assertThat(guards.admit(api)).isInstanceOf(Admission.Granted.class);
        }
    }

    @Test
    void twoNodesShareOneRateBudget() {
        clock.live = true;
        stored.put(api, json("""
                {"rateLimit": {"requests": 10, "per": "1s"}}"""));
        // calls on both nodes as fast as they come for 3 s: when the granted ones were granted
        java.util.List<Long> granted = new java.util.ArrayList<>();
        long end = System.currentTimeMillis() + 3_000;
        int calls = 0;
        while (System.currentTimeMillis() < end) {
            ConnectionFlowControl node = calls++ % 2 == 0 ? guards : otherNode;
            if (node.admit(api) instanceof Admission.Granted) {
                granted.add(System.currentTimeMillis());
            }
        }
        Map<Long, Integer> perSecond = new java.util.TreeMap<>();
        granted.forEach(at -> perSecond.merge(at / 1000, 1, Integer::sum));
        int worstSliding = 0;
        for (int a = 0, b = 0; b < granted.size(); b++) {
            while (granted.get(b) - granted.get(a) >= 1000) {
                a++;
            }
            worstSliding = Math.max(worstSliding, b - a + 1);
        }
        RateSlices slices = RateSlices.of(10, Duration.ofSeconds(1));
        System.out.printf("Two guards on one budget of 10/s: %d calls, %d granted; per calendar second %s; most in any "
                + "1 s: %d (bound %d)%n", calls, granted.size(), perSecond, worstSliding, slices.worstCase());
        assertThat(worstSliding).isLessThanOrEqualTo(slices.worstCase());
        assertThat(granted.size()).isBetween(20, 3 * 10 + slices.largestBudget());
    }
}
