package dev.braid.app.queue;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.Braid;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.StubServer;
import tools.jackson.databind.JsonNode;

/**
 * Crash safety (ARCHITECTURE §3, issue 4): the server runs as its own JVM on its own data, is killed with
 * SIGKILL or stopped with SIGTERM while a step's request is held at a stub in this JVM, and is started
 * again on the same data. The stub's record of idempotency keys proves what was sent, and how often.
 */
class CrashSafetyIT {

    private static final Logger log = LoggerFactory.getLogger(CrashSafetyIT.class);
    private static final String PASSWORD = "crash-pw";
    /** A short lease so that a restarted node takes a killed node's run over within seconds. */
    private static final String[] QUICK_LEASES = {
            "--braid.worker.lease=3s", "--braid.worker.heartbeat=1s", "--braid.worker.reap-interval=1s"};

    final StubServer stub = new StubServer();

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @AfterEach
    void closeStub() {
        stub.close();
    }

    @Test
    void aServerKilledWhileStepTwoIsInFlightLosesNothingAndNeverRepeatsStepOne() throws Exception {
        stub.hold("/second");
        ServerProcess first = start();
        createTwoStepRecipe(first.braid(), "killed");
        String runId = first.anonymous().postJson("/hooks/killed", "{\"order\":7}").json().path("runId").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> stub.received("/second").size() == 1);

        first.kill();   // SIGKILL while the target holds step 2's request

        ServerProcess second = start();
        // The restarted node finds the dead node's lease expired and sends step 2 again.
        await().atMost(Duration.ofSeconds(30)).until(() -> stub.received("/second").size() == 2);
        stub.release("/second");
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(second.braid().status(runId)));

        assertThat(stub.received("/first")).extracting(StubServer.Received::idempotencyKey)
                .containsExactly(runId + "/first");
        assertThat(stub.received("/second")).extracting(StubServer.Received::idempotencyKey)
                .containsExactly(runId + "/second", runId + "/second");
        JsonNode run = second.api().get("/api/v1/runs/" + runId).json();
        assertThat(run.path("attempt").asInt()).as("claimed by the killed node, then by the restarted one").isEqualTo(2);
        assertThat(run.path("error").isNull()).isTrue();
        assertThat(run.path("deadLetterId").isNull()).isTrue();
        assertThat(step(run, "first").path("status").asString()).isEqualTo("succeeded");
        assertThat(step(run, "first").path("attempts").asInt()).isEqualTo(1);
        assertThat(step(run, "second").path("status").asString()).isEqualTo("succeeded");
        // The killed attempt had started step 2 (its request reached the target), so it counts.
        assertThat(step(run, "second").path("attempts").asInt()).isEqualTo(2);
        assertThat(step(run, "second").path("output").path("status").asInt()).isEqualTo(200);
        log.info("SIGKILL: step 2 sent at {} (killed) and {} (after the restart)",
                stub.received("/second").get(0).at(), stub.received("/second").get(1).at());
        second.terminate(Duration.ofSeconds(60));
    }

    @Test
    void aDurableDelaySurvivesASigkillAndEndsOnTime() throws Exception {
        ServerProcess first = start();
        ApiClient.Response created = first.api().postYaml("/api/v1/recipes", """
                slug: delayed
                name: Wait, then call
                trigger:
                  webhook: {}
                steps:
                  - id: pause
                    action: core.delay
                    with: { duration: 6s }
                  - id: after
                    action: http.request
                    with: { method: POST, url: "%s", body: "{{ trigger.body }}" }
                """.formatted(stub.url("/after")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Instant posted = Instant.now();
        String runId = first.anonymous().postJson("/hooks/delayed", "{\"order\":3}").json().path("runId").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> "waiting".equals(first.braid().status(runId)));
        JsonNode waiting = first.api().get("/api/v1/runs/" + runId).json();
        assertThat(step(waiting, "pause").path("status").asString()).isEqualTo("waiting");

        first.kill();   // the run waits in the queue, not in a thread: nothing of it dies with the JVM

        ServerProcess second = start();
        await().atMost(Duration.ofSeconds(40)).until(() -> "succeeded".equals(second.braid().status(runId)));
        List<StubServer.Received> calls = stub.received("/after");
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().idempotencyKey()).isEqualTo(runId + "/after");
        Duration waited = Duration.between(posted, calls.getFirst().at());
        log.info("core.delay 6s across a SIGKILL and restart: the next step's request came {} ms after the webhook",
                waited.toMillis());
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        JsonNode run = second.api().get("/api/v1/runs/" + runId).json();
        assertThat(step(run, "pause").path("status").asString()).isEqualTo("succeeded");
        assertThat(step(run, "pause").path("attempts").asInt()).isEqualTo(1);
        assertThat(step(run, "pause").path("output").path("waited").asString()).isEqualTo("6s");
        second.terminate(Duration.ofSeconds(60));
    }

    @Test
    void sigtermLetsARunningStepFinishWithinTheGraceAndHandsBackOneThatOutlastsIt() throws Exception {
        // (a) The target answers 2 s after the SIGTERM, within a 5 s grace: the run finishes before the exit,
        // although Spring's per-phase shutdown timeout (1 s here) is shorter than the drain.
        stub.hold("/second");
        ServerProcess first = start("--braid.worker.shutdown-grace=5s", "--spring.lifecycle.timeout-per-shutdown-phase=1s");
        createTwoStepRecipe(first.braid(), "drained");
        String finished = first.anonymous().postJson("/hooks/drained", "{\"order\":1}").json().path("runId").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> stub.received("/second").size() == 1);
        CompletableFuture.runAsync(() -> stub.release("/second"), CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
        Duration drained = first.terminate(Duration.ofSeconds(60));
        log.info("SIGTERM with the answer 2 s in, grace 5 s: the server exited after {} ms", drained.toMillis());
        assertThat(drained).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(5 + 10));
        assertThat(stopLine(first)).contains("every running attempt finished");

        // (b) The target holds past a 2 s grace: the run is released to the queue, then its attempt interrupted.
        stub.hold("/second");
        ServerProcess second = start("--braid.worker.shutdown-grace=2s");
        JsonNode done = second.api().get("/api/v1/runs/" + finished).json();
        assertThat(done.path("status").asString()).isEqualTo("succeeded");
        assertThat(step(done, "second").path("attempts").asInt()).isEqualTo(1);
        assertThat(stub.received("/second")).hasSize(1);

        String handedBack = second.anonymous().postJson("/hooks/drained", "{\"order\":2}").json().path("runId").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> stub.received("/second").size() == 2);
        long stopsBefore = logLines(second, "no more claims").size();
        CompletableFuture<Duration> stopping = CompletableFuture.supplyAsync(() -> terminate(second));
        // A webhook that arrives while the node drains is accepted and queued for any node: nothing is lost.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> logLines(second, "no more claims").size() > stopsBefore);
        ApiClient.Response late = second.anonymous().postJson("/hooks/drained", "{\"order\":3}");
        assertThat(late.status()).as(late.body()).isEqualTo(202);
        String lateRun = late.json().path("runId").asString();
        Duration cut = stopping.join();
        Instant exited = Instant.now();
        log.info("SIGTERM with the target holding, grace 2 s: the server exited after {} ms", cut.toMillis());
        assertThat(cut).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(2 + 10));
        assertThat(stopLine(second)).contains("the grace period ran out; 1 run(s) handed back");

        // With no worker, the stored state is what the drain left: queued again, nothing failed or scheduled.
        ServerProcess inspector = start("--braid.worker.enabled=false");
        JsonNode queued = inspector.api().get("/api/v1/runs/" + handedBack).json();
        assertThat(queued.path("status").asString()).isEqualTo("queued");
        assertThat(queued.path("error").isNull()).isTrue();
        assertThat(queued.path("deadLetterId").isNull()).isTrue();
        assertThat(Instant.parse(queued.path("nextAttemptAt").asString())).as("due at once, not after a retry delay")
                .isBefore(exited);
        assertThat(step(queued, "first").path("status").asString()).isEqualTo("succeeded");
        JsonNode interrupted = step(queued, "second");
        assertThat(interrupted.path("status").asString()).as("no retry or failure recorded for the shutdown")
                .isEqualTo("running");
        assertThat(interrupted.path("error").isNull()).isTrue();
        assertThat(interrupted.path("attempts").asInt()).isEqualTo(1);
        JsonNode lateQueued = inspector.api().get("/api/v1/runs/" + lateRun).json();
        assertThat(lateQueued.path("status").asString()).isEqualTo("queued");
        assertThat(lateQueued.path("attempt").asInt()).as("never claimed by the draining node").isZero();
        inspector.terminate(Duration.ofSeconds(60));

        ServerProcess third = start();
        await().atMost(Duration.ofSeconds(30)).until(() -> stub.received("/second").size() == 4);
        stub.release("/second");
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(third.braid().status(handedBack))
                && "succeeded".equals(third.braid().status(lateRun)));
        assertThat(stub.received("/first")).extracting(StubServer.Received::idempotencyKey)
                .containsExactly(finished + "/first", handedBack + "/first", lateRun + "/first");
        assertThat(stub.received("/second")).extracting(StubServer.Received::idempotencyKey)
                .containsExactlyInAnyOrder(finished + "/second", handedBack + "/second", handedBack + "/second",
                        lateRun + "/second");
        JsonNode resumed = third.api().get("/api/v1/runs/" + handedBack).json();
        assertThat(step(resumed, "first").path("attempts").asInt()).isEqualTo(1);
        assertThat(step(resumed, "second").path("status").asString()).isEqualTo("succeeded");
        assertThat(step(resumed, "second").path("attempts").asInt()).isEqualTo(2);
        third.terminate(Duration.ofSeconds(60));
    }

    private ServerProcess start(String... args) {
        List<String> all = new ArrayList<>(List.of(QUICK_LEASES));
        all.addAll(List.of(args));
        return servers.start(PASSWORD, all.toArray(String[]::new));
    }

    private static Duration terminate(ServerProcess server) {
        try {
            return server.terminate(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Lines of the server's log (every start on this home appends to it) that contain {@code text}. */
    private static List<String> logLines(ServerProcess server, String text) throws java.io.IOException {
        return Files.readAllLines(server.logFile().toPath()).stream().filter(l -> l.contains(text)).toList();
    }

    /** The worker's own account of its drain, from the server's log (also printed for the record). */
    private static String stopLine(ServerProcess server) throws java.io.IOException {
        List<String> lines = Files.readAllLines(server.logFile().toPath()).stream()
                .filter(l -> l.contains("Run worker") && l.contains("stopped in")).toList();
        assertThat(lines).as("the worker's stop line in " + server.logFile()).isNotEmpty();
        log.info("Server log: {}", lines.getLast().strip());
        return lines.getLast();
    }

    private void createTwoStepRecipe(Braid braid, String slug) {
        braid.saveRecipe("""
                slug: %s
                name: Two calls
                trigger:
                  webhook: {}
                steps:
                  - id: first
                    action: http.request
                    with: { method: POST, url: "%s", body: "{{ trigger.body }}" }
                  - id: second
                    action: http.request
                    with: { method: POST, url: "%s", body: "{{ trigger.body }}", timeout: 60s }
                """.formatted(slug, stub.url("/first"), stub.url("/second")));
    }
}
