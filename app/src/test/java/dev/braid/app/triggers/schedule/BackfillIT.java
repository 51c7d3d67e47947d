package dev.braid.app.triggers.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/recipes/{slug}/backfill}: preview, missed only, and the three overlap policies. */
class BackfillIT extends BraidIntegrationTest {

    @Autowired
    ScheduleFires fires;

    @Test
    void previewStartsNothingMissedFillsTheGapsSkipAndAllowTreatTheRecordedOnes() {
        create("nightly", "core.transform", "{ value: \"{{ trigger.scheduledAt }}\" }");
        fires.fire("nightly", Instant.parse("2026-11-20T02:00:00Z"), Instant.parse("2026-11-20T02:00:00.003Z"), "test");
        fires.fire("nightly", Instant.parse("2026-11-22T02:00:00Z"), Instant.parse("2026-11-22T02:00:00.003Z"), "test");
        String range = "\"from\": \"2026-11-19T00:00:00Z\", \"to\": \"2026-11-24T00:00:00Z\"";

        ApiClient.Response preview = api.post("/api/v1/recipes/nightly/backfill", "application/json",
                "{" + range + ", \"mode\": \"missed\", \"preview\": true}");
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        LoggerFactory.getLogger(BackfillIT.class).info("Backfill preview: {}", preview.body());
        assertThat(actions(preview.json())).containsExactly(
                "2026-11-19T02:00:00Z start", "2026-11-20T02:00:00Z skip", "2026-11-21T02:00:00Z start",
                "2026-11-22T02:00:00Z skip", "2026-11-23T02:00:00Z start");
        assertThat(preview.json().path("started").asInt()).isZero();
        assertThat(sql.eventCount("nightly")).isEqualTo(2);

        ApiClient.Response missed = api.post("/api/v1/recipes/nightly/backfill", "application/json",
                "{" + range + ", \"mode\": \"missed\"}");
        assertThat(missed.status()).as(missed.body()).isEqualTo(202);
        assertThat(missed.json().path("started").asInt()).isEqualTo(3);
        assertThat(sql.eventCount("nightly")).isEqualTo(5);
        assertThat(jdbc.sql("""
                select count(*) from runs r join trigger_events e on e.id = r.event_id
                 where r.recipe = 'nightly' and r.origin = 'backfill' and e.idempotency_key in
                       ('2026-11-19T02:00:00Z', '2026-11-21T02:00:00Z', '2026-11-23T02:00:00Z')""")
                .query(Long.class).single()).isEqualTo(3);

        ApiClient.Response skip = api.post("/api/v1/recipes/nightly/backfill", "application/json",
                "{" + range + ", \"mode\": \"all\", \"overlap\": \"skip\"}");
        assertThat(skip.json().path("started").asInt()).isZero();
        assertThat(actions(skip.json())).allMatch(a -> a.endsWith(" skip")).hasSize(5);

        ApiClient.Response allow = api.post("/api/v1/recipes/nightly/backfill", "application/json",
                "{\"from\": \"2026-11-20T00:00:00Z\", \"to\": \"2026-11-21T00:00:00Z\", \"mode\": \"all\", \"overlap\": \"allow\"}");
        assertThat(actions(allow.json())).containsExactly("2026-11-20T02:00:00Z allow");
        String second = allow.json().path("runs").get(0).path("runId").asString();
        String first = allow.json().path("runs").get(0).path("existingRunId").asString();
        Map<String, Object> row = jdbc.sql("select origin, replay_of::text, event_id::text from runs where id = ?::uuid")
                .param(second).query().singleRow();
        assertThat(row.get("origin")).isEqualTo("backfill");
        assertThat(row.get("replay_of")).isEqualTo(first);
        assertThat(row.get("event_id")).isEqualTo(jdbc.sql("select event_id::text from runs where id = ?::uuid")
                .param(first).query(String.class).single());
        assertThat(sql.eventCount("nightly")).isEqualTo(5);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'nightly' and status <> 'succeeded'") == 0);
    }

    @Test
    void badInputIsAProblemNamingEachFieldAndTheRangeIsCapped() {
        create("nightly-checked", "core.transform", "{ value: 1 }");
        ApiClient.Response bad = api.post("/api/v1/recipes/nightly-checked/backfill", "application/json",
                "{\"from\": \"yesterday\", \"to\": \"2026-11-24T00:00:00Z\", \"mode\": \"some\", \"overlap\": \"queue\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.header("Content-Type")).startsWith("application/problem+json");
        assertThat(bad.json().path("errors").findValuesAsString("path")).containsExactly("from", "mode");

        ApiClient.Response tooMany = api.post("/api/v1/recipes/nightly-checked/backfill", "application/json",
                "{\"from\": \"2016-01-01T00:00:00Z\", \"to\": \"2026-01-01T00:00:00Z\", \"preview\": true}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("errors").get(0).path("path").asString()).isEqualTo("to");
        assertThat(tooMany.json().path("detail").asString()).contains("More than 1000 fire times");

        ApiClient.Response future = api.post("/api/v1/recipes/nightly-checked/backfill", "application/json",
                "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2099-01-01T00:00:00Z\"}");
        assertThat(future.status()).isEqualTo(400);

        api.postYaml("/api/v1/recipes", """
                slug: hooked
                name: Hook
                trigger: { webhook: {} }
                steps: [{ id: a, action: core.transform, with: { value: 1 } }]
                """);
        assertThat(api.post("/api/v1/recipes/hooked/backfill", "application/json",
                "{\"from\": \"2026-11-19T00:00:00Z\", \"to\": \"2026-11-20T00:00:00Z\"}").status()).isEqualTo(409);
        assertThat(api.post("/api/v1/recipes/nope/backfill", "application/json", "{}").status()).isEqualTo(404);
    }

    @Test
    void queueWaitsUntilTheFireTimesRunHasEnded() {
        try (StubServer stub = new StubServer()) {
            stub.hold("/slow");
            stub.reply("/slow", n -> Reply.json(200, "{\"call\": " + n + "}"));
            create("nightly-slow", "http.request", "{ method: POST, url: \"" + stub.url("/slow") + "\", body: { at: \"{{ trigger.scheduledAt }}\" } }");
            String first = fires.fire("nightly-slow", Instant.parse("2026-11-20T02:00:00Z"), Instant.parse("2026-11-20T02:00:00Z"), "test")
                    .orElseThrow().runId().toString();
            await().atMost(Duration.ofSeconds(30)).until(() -> stub.received("/slow").size() == 1);

            ApiClient.Response queued = api.post("/api/v1/recipes/nightly-slow/backfill", "application/json",
                    "{\"from\": \"2026-11-20T00:00:00Z\", \"to\": \"2026-11-21T00:00:00Z\", \"mode\": \"all\", \"overlap\": \"queue\"}");
            assertThat(queued.status()).as(queued.body()).isEqualTo(202);
            assertThat(actions(queued.json())).containsExactly("2026-11-20T02:00:00Z queue");
            String second = queued.json().path("runs").get(0).path("runId").asString();
            // Longer than braid.schedules.overlap-check: the run stays behind the one still running.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                    .until(() -> "waiting".equals(sql.runStatus(second)) && stub.received("/slow").size() == 1);
            assertThat(sql.runStatus(first)).isEqualTo("running");

            stub.release("/slow");
            await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(sql.runStatus(second)));
            Timestamp firstFinished = jdbc.sql("select finished_at from runs where id = ?::uuid").param(first).query(Timestamp.class).single();
            Timestamp secondStarted = jdbc.sql("select started_at from runs where id = ?::uuid").param(second).query(Timestamp.class).single();
            assertThat(secondStarted.toInstant()).isAfterOrEqualTo(firstFinished.toInstant());
            assertThat(stub.received("/slow")).hasSize(2);
        }
    }

    @Test
    void previewListsTheFireTimesOfUnixSecondsQuartzAndMacroCrons() {
        // Issue 13: a backfill preview of "0 0 2 * * *" answered 500 (Quartz refused it); Unix crons were refused at save.
        String range = "\"from\": \"2026-03-27T00:00:00Z\", \"to\": \"2026-03-31T00:00:00Z\", \"preview\": true";
        Map<String, List<String>> expected = Map.of(
                // 02:00 London: 02:00 UTC before the clocks go forward on 29 March 2026, 01:00 UTC after.
                "0 0 2 * * *", List.of("2026-03-27T02:00:00Z", "2026-03-28T02:00:00Z", "2026-03-29T01:00:00Z",
                        "2026-03-30T01:00:00Z"),
                // Unix: the 28th or a Monday, 06:30.
                "30 6 28 * MON", List.of("2026-03-28T06:30:00Z", "2026-03-30T05:30:00Z"),
                "0 15 9 ? * FRI 2026", List.of("2026-03-27T09:15:00Z"),
                // Midnight in London: 23:00 UTC the day before once the clocks have gone forward.
                "@daily", List.of("2026-03-27T00:00:00Z", "2026-03-28T00:00:00Z", "2026-03-29T00:00:00Z",
                        "2026-03-29T23:00:00Z", "2026-03-30T23:00:00Z"));
        int i = 0;
        for (Map.Entry<String, List<String>> cron : expected.entrySet()) {
            String slug = "dialect-" + i++;
            ApiClient.Response created = api.postYaml("/api/v1/recipes", """
                    slug: %s
                    name: Dialect
                    trigger:
                      schedule: { cron: "%s", timezone: Europe/London, catchUp: none }
                    steps:
                      - { id: work, action: core.transform, with: { value: 1 } }
                    """.formatted(slug, cron.getKey()));
            assertThat(created.status()).as(cron.getKey() + ": " + created.body()).isEqualTo(201);
            ApiClient.Response preview = api.post("/api/v1/recipes/" + slug + "/backfill", "application/json",
                    "{" + range + "}");
            assertThat(preview.status()).as(cron.getKey() + ": " + preview.body()).isEqualTo(200);
            assertThat(actions(preview.json())).as(cron.getKey())
                    .containsExactlyElementsOf(cron.getValue().stream().map(t -> t + " start").toList());
        }
        // Every second: 5-field crons fire on minutes, 6-field ones can fire each second.
        ApiClient.Response created = api.postYaml("/api/v1/recipes", """
                slug: dialect-seconds
                name: Every second
                trigger:
                  schedule: { cron: "* * * * * *", catchUp: none }
                steps:
                  - { id: work, action: core.transform, with: { value: 1 } }
                """);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        ApiClient.Response seconds = api.post("/api/v1/recipes/dialect-seconds/backfill", "application/json",
                "{\"from\": \"2026-03-27T00:00:00Z\", \"to\": \"2026-03-27T00:00:03Z\", \"preview\": true}");
        assertThat(seconds.status()).as(seconds.body()).isEqualTo(200);
        assertThat(actions(seconds.json())).containsExactly("2026-03-27T00:00:00Z start", "2026-03-27T00:00:01Z start",
                "2026-03-27T00:00:02Z start");
    }

    private static List<String> actions(JsonNode result) {
        return result.path("runs").valueStream()
                .map(r -> r.path("scheduledAt").asString() + " " + r.path("action").asString()).toList();
    }

    private void create(String slug, String action, String with) {
        ApiClient.Response created = api.postYaml("/api/v1/recipes", """
                slug: %s
                name: Nightly
                trigger:
                  schedule: { cron: "0 0 2 * * ?", timezone: UTC, catchUp: none }
                steps:
                  - id: work
                    action: %s
                    with: %s
                """.formatted(slug, action, with));
        // Enabled since the start of November, so that the tests' fire times of 20 and 22 November fell due while
        // it was (a fire outside the recipe's enabled time records nothing).
        jdbc.sql("update schedule_periods set enabled_from = '2026-11-01T00:00:00Z' where recipe = ?").param(slug).update();
    }
}
