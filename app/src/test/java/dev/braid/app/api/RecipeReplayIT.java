package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/recipes/{slug}/replay}: stored trigger events re-run as new runs linked to their
 * events and first runs; a preview starts nothing; a pinned version is used; bad input is a problem
 * naming the field.
 */
class RecipeReplayIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(RecipeReplayIT.class);

    @Test
    void fiftyStoredEventsReplayAsFiftyLinkedRunsOnTheChosenVersion() {
        braid.saveRecipe("""
                slug: replay-fifty
                name: Replay fifty
                trigger:
                  webhook: {}
                steps:
                  - id: double
                    action: core.transform
                    with: { value: "{{ trigger.body.n * 2 }}" }
                """);
        Instant before = Instant.now().minusSeconds(1);
        for (int i = 0; i < 50; i++) {
            ApiClient.Response accepted = anonymous.postJson("/hooks/replay-fifty", "{\"n\": " + i + "}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count("replay-fifty", "trigger", "succeeded") == 50);
        ApiClient.Response v2 = api.put("/api/v1/recipes/replay-fifty", "application/yaml", """
                slug: replay-fifty
                name: Replay fifty
                trigger:
                  webhook: {}
                steps:
                  - id: triple
                    action: core.transform
                    with: { value: "{{ trigger.body.n * 3 }}" }
                """);
        assertThat(v2.status()).as(v2.body()).isEqualTo(200);
        Map<String, Object> range = Map.of("from", before.toString(), "to", Instant.now().plusSeconds(1).toString());

        ApiClient.Response preview = api.postJson("/api/v1/recipes/replay-fifty/replay",
                Map.of("from", range.get("from"), "to", range.get("to"), "preview", true));
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.json().path("events").asInt()).isEqualTo(50);
        assertThat(preview.json().path("items")).hasSize(50);
        assertThat(count("replay-fifty", "replay", null)).as("a preview starts nothing").isZero();

        Instant asked = Instant.now();
        ApiClient.Response replayed = api.postJson("/api/v1/recipes/replay-fifty/replay",
                Map.of("from", range.get("from"), "to", range.get("to"), "version", 1));
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        assertThat(replayed.json().path("replayed").asInt()).isEqualTo(50);
        assertThat(replayed.json().path("version").asInt()).isEqualTo(1);
        long answeredMs = Duration.between(asked, Instant.now()).toMillis();
        await().atMost(Duration.ofSeconds(30)).until(() -> count("replay-fifty", "replay", "succeeded") == 50);
        log.info("Replay of 50 stored events: answered in {} ms, all 50 succeeded {} ms after the request", answeredMs,
                Duration.between(asked, Instant.now()).toMillis());

        List<Map<String, Object>> links = jdbc.sql("""
                select r.event_id::text as event, r.replay_of::text as replay_of, e.first_run_id::text as first_run,
                       r.recipe_version as version, r.output ->> 'value' as output, e.payload -> 'body' ->> 'n' as n
                  from runs r join trigger_events e on e.id = r.event_id
                 where r.recipe = 'replay-fifty' and r.origin = 'replay'""").query().listOfRows();
        assertThat(links).hasSize(50);
        Set<Object> events = new HashSet<>();
        for (Map<String, Object> link : links) {
            events.add(link.get("event"));
            assertThat(link.get("replay_of")).as("linked to the event's first run").isEqualTo(link.get("first_run"));
            assertThat(link.get("version")).isEqualTo(1);
            assertThat((String) link.get("output")).as("version 1 doubles")
                    .isEqualTo(String.valueOf(Integer.parseInt((String) link.get("n")) * 2));
        }
        assertThat(events).as("each stored event once").hasSize(50);
        JsonNode one = api.get("/api/v1/runs/" + replayed.json().path("runs").get(0).path("runId").asString()).json();
        assertThat(one.path("origin").asString()).isEqualTo("replay");
        assertThat(one.path("replayOf").asString()).isNotBlank();
        assertThat(one.path("eventId").asString()).isNotBlank();
    }

    @Test
    void aLimitAnswersWhereToContinue() {
        braid.saveRecipe("""
                slug: replay-paged
                name: Replay paged
                trigger:
                  webhook: {}
                steps:
                  - id: noop
                    action: core.transform
                    with: { value: 1 }
                """);
        Instant before = Instant.now().minusSeconds(1);
        for (int i = 0; i < 5; i++) {
            assertThat(anonymous.postJson("/hooks/replay-paged", "{\"n\": " + i + "}").status()).isEqualTo(202);
        }
        String to = Instant.now().plusSeconds(1).toString();
        ApiClient.Response first = api.postJson("/api/v1/recipes/replay-paged/replay",
                Map.of("from", before.toString(), "to", to, "limit", 3));
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().path("replayed").asInt()).isEqualTo(3);
        String next = first.json().path("next").asString();
        assertThat(next).isNotBlank();

        ApiClient.Response rest = api.postJson("/api/v1/recipes/replay-paged/replay", Map.of("from", next, "to", to, "limit", 3));
        assertThat(rest.json().path("replayed").asInt()).isEqualTo(2);
        assertThat(rest.json().path("next").isNull()).isTrue();
        assertThat(count("replay-paged", "replay", null)).isEqualTo(5);
    }

    @Test
    void badRequestsAreProblemsNamingTheField() {
        braid.saveRecipe("""
                slug: replay-bad
                name: Replay bad
                trigger:
                  webhook: {}
                steps:
                  - id: noop
                    action: core.transform
                    with: { value: 1 }
                """);
        assertProblem(api.postJson("/api/v1/recipes/replay-bad/replay", Map.of("to", "2026-11-02T00:00:00Z")), 400, "from");
        assertProblem(api.postJson("/api/v1/recipes/replay-bad/replay",
                Map.of("from", "yesterday", "to", "2026-11-02T00:00:00Z")), 400, "from");
        assertProblem(api.postJson("/api/v1/recipes/replay-bad/replay",
                Map.of("from", "2026-11-02T00:00:00Z", "to", "2026-11-01T00:00:00Z")), 400, "to");
        assertProblem(api.postJson("/api/v1/recipes/replay-bad/replay",
                Map.of("from", "2026-11-01T00:00:00Z", "to", "2026-11-02T00:00:00Z", "version", 9)), 404, "version 9");
        assertProblem(api.postJson("/api/v1/recipes/replay-bad/replay",
                Map.of("from", "2026-11-01T00:00:00Z", "to", "2026-11-02T00:00:00Z", "limit", 0)), 400, "limit");
        assertProblem(api.postJson("/api/v1/recipes/no-such-recipe/replay",
                Map.of("from", "2026-11-01T00:00:00Z", "to", "2026-11-02T00:00:00Z")), 404, "no-such-recipe");
        assertThat(count("replay-bad", "replay", null)).isZero();
    }

    private void assertProblem(ApiClient.Response response, int status, String mentions) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body()).contains(mentions);
    }

    private long count(String recipe, String origin, String status) {
        return sql.count("select count(*) from runs where recipe = ? and origin = ? and (?::text is null or status = ?)",
                recipe, origin, status, status);
    }
}
