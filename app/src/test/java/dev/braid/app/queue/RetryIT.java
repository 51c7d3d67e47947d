package dev.braid.app.queue;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/**
 * Retry policies end to end (ARCHITECTURE §3, issue 4) against a real HTTP target: backoff delays as the
 * policy says, measured at the target; the same idempotency key on every attempt; retryable 5xx
 * versus fatal 4xx; Retry-After in both forms; onError: continue; step and run timeouts.
 */
class RetryIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(RetryIT.class);
    /**
     * What a retry may come later than its due time: the worker wakes when it falls due, then claims the
     * run and replays its checkpoints before the request leaves, on a machine shared with other tests.
     */
    private static final Duration LATE = Duration.ofMillis(1500);

    @Test
    void aTargetThatFailsTwiceIsCalledThreeTimesWithOneKeyAndTheBackoffOfThePolicy() {
        stub.reply("/flaky", n -> n <= 2 ? Reply.json(503, "{\"busy\":true}") : Reply.json(200, "{\"done\":true}"));
        create("retry-backoff", """
                retry: { maxAttempts: 5, initialDelay: 1s, multiplier: 2%s }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s" }
                """, stub.url("/flaky"));
        String runId = trigger("retry-backoff");

        // While it waits for attempt 2 the run is a row with a due time, not a thread: no lease, no worker.
        Map<String, Object> waiting = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> row(runId), r -> "retrying".equals(r.get("status")));
        assertThat(waiting.get("locked_by")).isNull();
        assertThat(waiting.get("locked_until")).isNull();
        Instant nextAttemptAt = ((java.sql.Timestamp) waiting.get("next_attempt_at")).toInstant();
        assertThat(Duration.between(stub.received("/flaky").getFirst().at(), nextAttemptAt))
                .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(LATE));
        JsonNode whileWaiting = api.get("/api/v1/runs/" + runId).json();
        assertThat(whileWaiting.path("nextAttemptAt").asString()).isNotEmpty();
        assertThat(step(whileWaiting, "call").path("status").asString()).isEqualTo("retrying");
        assertThat(step(whileWaiting, "call").path("error").path("type").asString()).isEqualTo("http.status");

        braid.awaitStatus(runId, "succeeded");
        List<StubServer.Received> calls = stub.received("/flaky");
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(StubServer.Received::idempotencyKey).containsOnly(runId + "/call");
        List<Duration> gaps = gaps(calls);
        log.info("Fails twice, then 200 (initialDelay 1s, multiplier 2): requests at {}, gaps {}",
                calls.stream().map(StubServer.Received::at).toList(), gaps);
        assertThat(gaps.get(0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(LATE));
        assertThat(gaps.get(1)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(LATE));
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("attempt").asInt()).isEqualTo(3);
        assertThat(step(run, "call").path("status").asString()).isEqualTo("succeeded");
        assertThat(step(run, "call").path("attempts").asInt()).isEqualTo(3);
        assertThat(step(run, "call").path("output").path("body").path("done").asBoolean()).isTrue();
        assertThat(run.path("error").isNull()).isTrue();
    }

    @Test
    void aTargetThatAlwaysFailsWithA5xxIsDeadLetteredAfterMaxAttempts() {
        stub.reply("/down", n -> Reply.json(503, "{\"busy\":true}"));
        create("retry-exhausted", """
                retry: { maxAttempts: 3, initialDelay: 100ms, multiplier: 2%s }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s" }
                """, stub.url("/down"));
        String runId = trigger("retry-exhausted");
        braid.awaitStatus(runId, "failed");

        List<StubServer.Received> calls = stub.received("/down");
        log.info("Always 503, maxAttempts 3 (initialDelay 100ms, multiplier 2): gaps {}", gaps(calls));
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(StubServer.Received::idempotencyKey).containsOnly(runId + "/call");
        assertThat(gaps(calls).get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(gaps(calls).get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("error").path("type").asString()).isEqualTo("http.status");
        assertThat(run.path("error").path("message").asString()).contains("503");
        assertThat(step(run, "call").path("attempts").asInt()).isEqualTo(3);
        assertThat(step(run, "call").path("status").asString()).isEqualTo("failed");
        assertDeadLetter(run, runId, "call", "http.status");
    }

    @Test
    void aClientErrorIsFatalTheFirstTime() {
        for (int status : new int[] {404, 400}) {
            String path = "/client-error-" + status;
            stub.reply(path, n -> Reply.json(status, "{\"error\":\"no\"}"));
            String slug = "fatal-" + status;
            create(slug, """
                    retry: { maxAttempts: 5, initialDelay: 100ms%s }
                    steps:
                      - id: call
                        action: http.request
                        with: { method: GET, url: "%s" }
                    """, stub.url(path));
            String runId = trigger(slug);
            braid.awaitStatus(runId, "failed");

            assertThat(stub.received(path)).as("requests for a " + status).hasSize(1);
            JsonNode run = api.get("/api/v1/runs/" + runId).json();
            assertThat(run.path("attempt").asInt()).isEqualTo(1);
            assertThat(run.path("error").path("message").asString()).contains(Integer.toString(status));
            assertThat(step(run, "call").path("attempts").asInt()).isEqualTo(1);
            assertDeadLetter(run, runId, "call", "http.status");
        }
    }

    @Test
    void retryAfterInSecondsOutweighsAShorterBackoff() {
        stub.reply("/later", n -> n == 1 ? Reply.json(503, "{}").withHeader("Retry-After", "2") : Reply.json(200, "{}"));
        create("retry-after-seconds", """
                retry: { maxAttempts: 3, initialDelay: 100ms%s }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s" }
                """, stub.url("/later"));
        String runId = trigger("retry-after-seconds");
        braid.awaitStatus(runId, "succeeded");

        List<StubServer.Received> calls = stub.received("/later");
        log.info("503 with Retry-After: 2 (initialDelay 100ms): gap {}", gaps(calls));
        assertThat(calls).hasSize(2);
        assertThat(gaps(calls).getFirst()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(LATE));
        assertThat(calls).extracting(StubServer.Received::idempotencyKey).containsOnly(runId + "/call");
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        AtomicReference<Instant> askedFor = new AtomicReference<>();
        stub.reply("/dated", n -> {
            if (n > 1) {
                return Reply.json(200, "{}");
            }
            // HTTP dates have whole seconds: this one is between 2 and 3 s ahead.
            ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
            askedFor.set(at.toInstant());
            return Reply.json(503, "{}").withHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(at));
        });
        create("retry-after-date", """
                retry: { maxAttempts: 3, initialDelay: 100ms%s }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s" }
                """, stub.url("/dated"));
        String runId = trigger("retry-after-date");
        braid.awaitStatus(runId, "succeeded");

        List<StubServer.Received> calls = stub.received("/dated");
        log.info("503 with Retry-After: {} (initialDelay 100ms): requests at {}, gap {}", askedFor.get(),
                calls.stream().map(StubServer.Received::at).toList(), gaps(calls));
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).at()).isAfterOrEqualTo(askedFor.get()).isBefore(askedFor.get().plus(LATE));
        assertThat(gaps(calls).getFirst()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aStepWithOnErrorContinueHandsItsErrorToTheNextStep() {
        stub.reply("/gone", n -> Reply.json(404, "{}"));
        ApiClient.Response created = post("continue-on-error", """
                steps:
                  - id: lookup
                    action: http.request
                    onError: continue
                    with: { method: GET, url: "%s" }
                  - id: after
                    action: core.transform
                    with: { value: "{{ steps.lookup.output.error }}" }
                """.formatted(stub.url("/gone")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String runId = trigger("continue-on-error");
        braid.awaitStatus(runId, "succeeded");

        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(step(run, "lookup").path("status").asString()).isEqualTo("failed");
        assertThat(step(run, "lookup").path("error").path("type").asString()).isEqualTo("http.status");
        JsonNode seen = step(run, "after").path("output").path("value");
        assertThat(seen.path("type").asString()).isEqualTo("http.status");
        assertThat(seen.path("message").asString()).contains("404");
        assertThat(run.path("deadLetterId").isNull()).isTrue();
        assertThat(stub.received("/gone")).hasSize(1);
    }

    @Test
    void aStepTimeoutIsARetryableFailure() {
        stub.delay("/slow", Duration.ofSeconds(5));
        create("step-timeout", """
                retry: { maxAttempts: 2, initialDelay: 100ms%s }
                steps:
                  - id: call
                    action: http.request
                    timeout: 1s
                    with: { method: POST, url: "%s" }
                """, stub.url("/slow"));
        String runId = trigger("step-timeout");
        braid.awaitStatus(runId, "failed");

        List<StubServer.Received> calls = stub.received("/slow");
        log.info("Step timeout 1s against a 5 s target, retried after 100ms: gap {}", gaps(calls));
        assertThat(calls).as("the timed-out attempt was retried").hasSize(2);
        assertThat(calls).extracting(StubServer.Received::idempotencyKey).containsOnly(runId + "/call");
        // Cut at the step's 1 s, not at the target's 5 s.
        assertThat(gaps(calls).getFirst()).isBetween(Duration.ofSeconds(1), Duration.ofMillis(1100).plus(LATE));
        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("error").path("type").asString()).isEqualTo("http.timeout");
        assertThat(step(run, "call").path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aRunPastItsTimeoutFails() {
        stub.delay("/endless", Duration.ofSeconds(5));
        create("run-timeout", """
                timeout: 2s
                retry: { maxAttempts: 5, initialDelay: 100ms%s }
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s" }
                """, stub.url("/endless"));
        String runId = trigger("run-timeout");
        braid.awaitStatus(runId, "failed");

        JsonNode run = api.get("/api/v1/runs/" + runId).json();
        assertThat(run.path("error").path("type").asString()).isEqualTo("run.timeout");
        Duration took = Duration.between(Instant.parse(run.path("startedAt").asString()),
                Instant.parse(run.path("finishedAt").asString()));
        log.info("Run timeout 2s against a 5 s target: failed after {} with {}", took, run.path("error"));
        assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(LATE));
        assertThat(stub.received("/endless")).as("the request was cut at the run's deadline, then none was sent").hasSize(1);
        assertDeadLetter(run, runId, "call", "run.timeout");
    }

    /**
     * Creates a webhook recipe from {@code body} (a {@code retry:} line with a {@code %s} for the
     * jitter setting, then {@code steps}), formatted with the URL.
     */
    private void create(String slug, String body, String url) {
        // jitter: 0 makes the delays exact (the default takes up to 20% off), so the gaps can be held to the policy.
        ApiClient.Response created = post(slug, body.formatted(", jitter: 0", url));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private ApiClient.Response post(String slug, String body) {
        return api.postYaml("/api/v1/recipes", """
                slug: %s
                name: %s
                trigger:
                  webhook: {}
                """.formatted(slug, slug) + body);
    }

    private String trigger(String slug) {
        return braid.webhook(slug, "{\"order\":42}");
    }

    private Map<String, Object> row(String runId) {
        return jdbc.sql("select status, next_attempt_at, locked_by, locked_until from runs where id = ?::uuid")
                .param(runId).query().singleRow();
    }

    private void assertDeadLetter(JsonNode run, String runId, String step, String errorType) {
        Map<String, Object> dead = jdbc.sql("""
                select id::text as id, step, status, error_type, payload::text as payload from dead_letters where run_id = ?::uuid""")
                .param(runId).query().singleRow();
        assertThat(dead.get("id")).isEqualTo(run.path("deadLetterId").asString());
        assertThat(dead.get("step")).isEqualTo(step);
        assertThat(dead.get("status")).isEqualTo("open");
        assertThat(dead.get("error_type")).isEqualTo(errorType);
        assertThat((String) dead.get("payload")).contains("\"order\": 42");
    }

    private static List<Duration> gaps(List<StubServer.Received> calls) {
        return java.util.stream.IntStream.range(1, calls.size())
                .mapToObj(i -> Duration.between(calls.get(i - 1).at(), calls.get(i).at())).toList();
    }
}
