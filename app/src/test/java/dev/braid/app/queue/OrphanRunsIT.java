package dev.braid.app.queue;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.config.StartupPhases;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.StubServer;
import tools.jackson.databind.JsonNode;

/**
 * Fast restarts (issue 14, item 6): a server killed with SIGKILL mid-run and started again on the same
 * BRAID_HOME (embedded PostgreSQL and Kafka, the defaults) keeps its node name, knows the runs still leased
 * to it are its own orphans and resumes them at once — with a 5-minute lease, the run goes on within the
 * minute. The start-up phases of the restart are printed, not asserted.
 */
class OrphanRunsIT {

    private static final Logger log = LoggerFactory.getLogger(OrphanRunsIT.class);
    private static final String PASSWORD = "orphan-pw";
    /** Far longer than the test waits: the run can only resume in time if its lease is not waited out. */
    private static final String LONG_LEASE = "--braid.worker.lease=5m";

    final StubServer stub = new StubServer();

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @AfterEach
    void closeStub() {
        stub.close();
    }

    @Test
    void aNodeRestartedAfterSigkillResumesItsOwnRunAtOnceInsteadOfAfterItsLease() throws Exception {
        stub.hold("/second");
        ServerProcess first = servers.start(PASSWORD, LONG_LEASE);
        first.braid().saveRecipe("""
                slug: orphaned
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
                """.formatted(stub.url("/first"), stub.url("/second")));
        String runId = first.braid().webhook("orphaned", "{\"order\":5}");
        await().atMost(Duration.ofSeconds(30)).until(() -> stub.received("/second").size() == 1);
        Instant leaseEnds;
        try (var db = servers.connect(); var query = db.prepareStatement("select locked_until from runs where id = ?::uuid")) {
            query.setString(1, runId);
            try (var rs = query.executeQuery()) {
                rs.next();
                leaseEnds = rs.getTimestamp(1).toInstant();
            }
        }

        first.kill();   // SIGKILL while step 2's request is held: the run stays leased to this node's name
        Instant killed = Instant.now();

        ServerProcess second = servers.start(PASSWORD, LONG_LEASE);
        Duration toHealthy = Duration.between(killed, Instant.now());
        await().atMost(Duration.ofSeconds(60)).until(() -> stub.received("/second").size() == 2);
        Instant resumed = stub.received("/second").get(1).at();
        stub.release("/second");
        JsonNode run = second.braid().awaitStatus(runId, "succeeded", Duration.ofSeconds(60));

        assertThat(resumed).as("resumed before the 5-minute lease would have let any node take it").isBefore(leaseEnds);
        assertThat(run.path("attempt").asInt()).isEqualTo(2);
        assertThat(step(run, "first").path("attempts").asInt()).as("never repeated").isEqualTo(1);
        assertThat(step(run, "second").path("attempts").asInt()).isEqualTo(2);
        assertThat(stub.received("/second")).extracting(StubServer.Received::idempotencyKey)
                .containsExactly(runId + "/second", runId + "/second");
        List<String> lines = Files.readAllLines(second.logFile().toPath());
        assertThat(lines).anyMatch(l -> l.contains("Resumed 1 run(s) this node"));

        // The restart's phases, for the record (the log holds both lives; the last start's lines come last).
        int lastStart = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("Starting BraidApplication")) {
                lastStart = i;
            }
        }
        log.info("SIGKILL to healthy: {} ms; the orphaned run's step 2 was sent again {} ms after the SIGKILL "
                + "(its lease had {} s left)", toHealthy.toMillis(), Duration.between(killed, resumed).toMillis(),
                Duration.between(killed, leaseEnds).toSeconds());
        lines.subList(lastStart, lines.size()).stream().filter(l -> l.contains(StartupPhases.PREFIX)
                        || l.contains("Started BraidApplication") || l.contains("Resumed"))
                .forEach(l -> log.info("restart: {}", l.substring(Math.max(0, l.indexOf(" : ") + 3))));
        second.terminate(Duration.ofSeconds(60));
    }
}
