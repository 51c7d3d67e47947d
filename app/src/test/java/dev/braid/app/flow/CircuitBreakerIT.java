package dev.braid.app.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import dev.braid.app.support.StubServer.Reply;

/**
 * A connection's circuit breaker end to end: after the configured failures the circuit opens, steps
 * wait ({@code waiting}, reason circuit) without spending attempts or calling the target, and resume
 * when it half-opens.
 */
class CircuitBreakerIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(CircuitBreakerIT.class);

    @Test
    void theCircuitOpensStepsWaitWithoutAttemptsAndResumeWhenItHalfOpens() {
        AtomicBoolean healthy = new AtomicBoolean(false);
        stub.reply("/target", n -> healthy.get() ? Reply.json(200, "{\"ok\":true}") : Reply.json(503, "{\"busy\":true}"));
        braid.saveConnection(Map.of("name", "fragile", "connector", "http",
                "settings", Map.of("baseUrl", stub.url("")),
                "circuitBreaker", Map.of("minimumCalls", 3, "slidingWindow", 3, "failureRateThreshold", 50,
                        "openFor", "2s")));
        braid.saveRecipe("""
                slug: breaker
                name: breaker
                trigger:
                  webhook: {}
                retry: { maxAttempts: 10, initialDelay: 100ms, jitter: 0 }
                steps:
                  - id: call
                    action: http.request
                    connection: fragile
                    with: { method: POST, url: "/target" }
                """);

        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(braid.webhook("breaker", "{\"n\":" + i + "}"));
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> sql.count("select count(*) from runs where recipe = 'breaker' and status = 'waiting' and wait_reason like '%circuit%'") > 0);
        Instant openSeen = Instant.now();
        int callsWhenOpen = stub.received("/target").size();
        assertThat(callsWhenOpen).isGreaterThanOrEqualTo(3);
        Map<String, Integer> stepAttemptsWhenOpen = stepAttempts(runs);
        await().pollDelay(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(stub.received("/target").size()).as("no calls while open").isEqualTo(callsWhenOpen);
        assertThat(stepAttempts(runs)).as("waiting on the circuit spends no step attempt")
                .isEqualTo(stepAttemptsWhenOpen);

        healthy.set(true);
        for (String runId : runs) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(sql.runStatus(runId)));
        }
        List<StubServer.Received> calls = stub.received("/target");
        log.info("Step attempts while open {}, at the end {}", stepAttemptsWhenOpen, stepAttempts(runs));
        List<Integer> attempts = runs.stream().map(r -> api.get("/api/v1/runs/" + r).json().path("attempt").asInt())
                .toList();
        log.info("Circuit breaker: stub saw {} calls ({} before opening) at {}; attempts per run {}; open seen at {}",
                calls.size(), callsWhenOpen, calls.stream().map(StubServer.Received::at).toList(), attempts, openSeen);
        assertThat(attempts).allMatch(a -> a < 10);
        Duration open = Duration.between(calls.get(callsWhenOpen - 1).at(), calls.get(callsWhenOpen).at());
        assertThat(open).as("the first call after opening waits for the half-open state (openFor 2s)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1800));
        assertThat(calls.get(callsWhenOpen).at()).isAfter(openSeen);
    }

    /** The step's attempts per run, as its checkpoint records them. */
    private Map<String, Integer> stepAttempts(List<String> runs) {
        Map<String, Integer> attempts = new java.util.TreeMap<>();
        for (String runId : runs) {
            attempts.put(runId, jdbc.sql("select coalesce(max(attempts), 0) from step_runs where run_id = ?::uuid and path = 'call'")
                    .param(runId).query(Integer.class).single());
        }
        return attempts;
    }
}
