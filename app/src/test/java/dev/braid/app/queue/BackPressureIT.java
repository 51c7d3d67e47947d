package dev.braid.app.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.StubServer;
import tools.jackson.databind.JsonNode;

/**
 * Back-pressure and arrival order (issue 18, README "Back-pressure"): a server of its own (its own database, so
 * that the backlog it counts is only this test's) with {@code braid.ingest.max-backlog} set and its few workers
 * held at a stub. Past the bound webhooks are refused 503 with {@code Retry-After} as a problem document, and
 * every run that was answered 202 is there and finishes once, none twice; while the backlog drains, new webhooks
 * keep arriving and runs still start in the order they were accepted — none overtakes the queue on the fast path.
 */
class BackPressureIT {

    private static final Logger log = LoggerFactory.getLogger(BackPressureIT.class);
    private static final String PASSWORD = "backlog-pw";
    private static final int BOUND = 500;
    private static final int WORKERS = 4;
    private static final int CLIENTS = 8;

    final StubServer stub = new StubServer();

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @AfterEach
    void closeStub() {
        stub.close();
    }

    @Test
    void pastTheBoundWebhooksAreRefusedWithRetryAfterNothingAcceptedIsLostAndRunsStartInArrivalOrder() throws Exception {
        ServerProcess server = servers.create(PASSWORD, "--braid.kafka.embedded=false",
                "--braid.worker.concurrency=" + WORKERS, "--braid.ingest.max-backlog=" + BOUND,
                "--braid.ingest.backlog-refresh=200ms").launch();
        // A first start (initdb of its own PostgreSQL, every migration) takes minutes on a busy shared machine.
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> server.anonymous().get("/actuator/health").status() == 200);
        stub.hold("/slow");
        server.braid().saveRecipe("""
                slug: held
                name: Held at a slow target
                trigger:
                  webhook: {}
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s", body: "{{ trigger.body }}", timeout: 90s }
                """.formatted(stub.url("/slow")));
        ApiClient hooks = server.anonymous();
        AtomicInteger sent = new AtomicInteger();

        // Every worker busy at the held target: from now on each accepted run waits in the queue.
        List<String> accepted = new ArrayList<>(post(hooks, sent, WORKERS, 1).accepted());
        await().atMost(Duration.ofSeconds(60)).until(() -> stub.received("/slow").size() == WORKERS);

        Answers filling = post(hooks, sent, BOUND + 200, CLIENTS);
        accepted.addAll(filling.accepted());
        log.info("With the workers held: {} accepted, {} refused (bound {})", filling.accepted().size(),
                filling.refused().size(), BOUND);
        // Concurrent requests checked before any of them is stored may pass the bound together, and a run counted
        // twice while the backlog is read may refuse one early: at most the requests in flight either way.
        assertThat(filling.accepted().size()).isBetween(BOUND - CLIENTS, BOUND + CLIENTS);
        assertThat(filling.refused()).hasSize(BOUND + 200 - filling.accepted().size());
        for (ApiClient.Response refused : filling.refused()) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, Backlog.MAX_RETRY_AFTER);
            JsonNode problem = refused.json();
            assertThat(problem.path("status").asInt()).isEqualTo(503);
            assertThat(problem.path("detail").asString()).contains("braid.ingest.max-backlog = " + BOUND)
                    .contains("nothing was accepted");
        }

        // The workers go on; while the backlog drains, more webhooks arrive in rounds: refused while it is past the
        // bound, accepted again once it is below (on a quiet machine one round is sent long before the drain ends).
        stub.delay("/slow", Duration.ofMillis(5));
        stub.release("/slow");
        List<String> drainAccepted = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger drainRefused = new AtomicInteger();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Answers round = post(hooks, sent, 40, CLIENTS);
            drainAccepted.addAll(round.accepted());
            drainRefused.addAndGet(round.refused().size());
            round.refused().forEach(r -> assertThat(r.status()).as(r.body()).isEqualTo(503));
            return !round.accepted().isEmpty();
        });
        accepted.addAll(drainAccepted);
        log.info("While draining: {} accepted, {} refused", drainAccepted.size(), drainRefused.get());

        try (Connection db = servers.connect()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> single(db,
                    "select count(*) from runs where recipe = 'held' and status <> 'succeeded'") == 0);
            Set<String> stored = new HashSet<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("select id from runs where recipe = 'held'")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(new HashSet<>(accepted)).as("every accepted webhook has its run").hasSize(accepted.size());
            assertThat(stored).as("one run per accepted webhook: none lost, none doubled, none for a refused one")
                    .containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(single(db, "select count(*) from step_runs s join runs r on r.id = s.run_id"
                    + " where r.recipe = 'held' and s.status = 'succeeded'")).isEqualTo(accepted.size());
            // Arrival order: no run started before a run accepted (created) before it.
            long overtaken = single(db, """
                    select count(*) from runs a join runs b on b.recipe = a.recipe
                     where a.recipe = 'held' and a.created_at < b.created_at and a.started_at > b.started_at""");
            assertThat(overtaken).as("pairs of runs in which the later accepted started first").isZero();
        }
    }

    private record Answers(List<String> accepted, List<ApiClient.Response> refused) {}

    /** {@code count} webhooks with distinct bodies from {@code clients} concurrent senders. */
    private static Answers post(ApiClient hooks, AtomicInteger sent, int count, int clients) throws Exception {
        List<String> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        List<ApiClient.Response> refused = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger left = new AtomicInteger(count);
        try (ExecutorService senders = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(senders.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        ApiClient.Response answer = hooks.postJson("/hooks/held", "{\"n\":" + sent.incrementAndGet() + "}");
                        if (answer.status() == 202) {
                            accepted.add(answer.json().path("runId").asString());
                        } else {
                            refused.add(answer);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return new Answers(List.copyOf(accepted), List.copyOf(refused));
    }

    private static long single(Connection db, String sql) throws java.sql.SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
