package dev.braid.app.queue;

import static dev.braid.app.support.Braid.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.HaltConnector;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import tools.jackson.databind.JsonNode;

/**
 * Poison runs (issue 14, item 2): a run whose step takes its node down — {@code halt.jvm}, a test connector
 * that halts the JVM as a native crash would — is not claimed for ever. Its node dies three times; each time
 * the next node counts a lease expiry without progress, once through the lease running out (a node of
 * another name) and then as the restarted node's own orphan; at the third ({@code braid.worker.poison-after}
 * by default) the run ends failed with a {@code run.poison} dead letter saying why, and the node lives.
 */
class PoisonRunIT {

    private static final Logger log = LoggerFactory.getLogger(PoisonRunIT.class);
    private static final String PASSWORD = "poison-pw";
    /** A short lease so that the lease-expiry path takes seconds; no Kafka needed. */
    private static final String[] QUICK_LEASES = {"--braid.worker.lease=3s", "--braid.worker.heartbeat=1s",
            "--braid.worker.reap-interval=1s", "--braid.kafka.embedded=false"};
    private static final Duration DIES_WITHIN = Duration.ofSeconds(180);

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Test
    void aRunThatKillsItsNodeThreeTimesEndsFailedWithARunPoisonDeadLetter() throws Exception {
        ServerProcess first = servers.start(PASSWORD, QUICK_LEASES);
        first.braid().saveRecipe("""
                slug: poison
                name: Takes its node down
                trigger:
                  webhook: {}
                steps:
                  - id: prepare
                    action: core.transform
                    with: { value: "{{ trigger.body.order }}" }
                  - id: crash
                    action: halt.jvm
                    with: { afterMs: 300 }
                """);
        String runId = first.braid().webhook("poison", "{\"order\":9}");
        assertThat(first.awaitExit(DIES_WITHIN)).as("life 1 halted by the run").isEqualTo(HaltConnector.STATUS);
        String firstNode = nodeName();

        // A node of another name: the run is not its own, so it is taken once its lease runs out (expiry 1).
        Files.delete(servers.home().resolve(NodeIdentity.ID_FILE));
        assertThat(servers.create(PASSWORD, QUICK_LEASES).launch().awaitExit(DIES_WITHIN)).as("life 2 halted")
                .isEqualTo(HaltConnector.STATUS);
        String secondNode = nodeName();
        assertThat(secondNode).isNotEqualTo(firstNode);
        // The same name again: the run is its own orphan, resumed at its start (expiry 2), and halts it again.
        assertThat(servers.create(PASSWORD, QUICK_LEASES).launch().awaitExit(DIES_WITHIN)).as("life 3 halted")
                .isEqualTo(HaltConnector.STATUS);

        // Expiry 3: given up at the start instead of run a fourth time; the node stays up.
        ServerProcess fourth = servers.start(PASSWORD, QUICK_LEASES);
        JsonNode run = fourth.braid().awaitStatus(runId, "failed", Duration.ofSeconds(60));
        assertThat(fourth.isAlive()).isTrue();

        JsonNode error = run.path("error");
        log.info("The poison run's error: {}", error);
        assertThat(error.path("type").asString()).isEqualTo("run.poison");
        assertThat(error.path("leaseExpiries").asInt()).isEqualTo(3);
        assertThat(error.path("step").asString()).isEqualTo("crash");
        assertThat(error.path("nodes").valueStream().map(JsonNode::asString).toList())
                .as("the node of life 1, then the one of lives 2 and 3").containsExactly(firstNode, secondNode, secondNode);
        assertThat(error.path("message").asString())
                .contains("3 lease expiries in a row").contains("in step 'crash'").contains(firstNode).contains(secondNode);
        assertThat(run.path("attempt").asInt()).as("claimed three times, never a fourth").isEqualTo(3);
        assertThat(step(run, "prepare").path("status").asString()).isEqualTo("succeeded");
        assertThat(step(run, "prepare").path("attempts").asInt()).isEqualTo(1);
        assertThat(step(run, "crash").path("status").asString()).as("where each attempt died").isEqualTo("running");
        assertThat(step(run, "crash").path("attempts").asInt()).isEqualTo(3);

        String deadLetterId = run.path("deadLetterId").asString();
        assertThat(deadLetterId).isNotBlank();
        List<JsonNode> letters = fourth.api().get("/api/v1/dead-letters?errorType=run.poison").json()
                .path("items").valueStream().toList();
        assertThat(letters).hasSize(1);
        JsonNode letter = letters.getFirst();
        assertThat(letter.path("id").asString()).isEqualTo(deadLetterId);
        assertThat(letter.path("runId").asString()).isEqualTo(runId);
        assertThat(letter.path("recipe").asString()).isEqualTo("poison");
        assertThat(letter.path("step").asString()).isEqualTo("crash");
        assertThat(letter.path("status").asString()).isEqualTo("open");
        assertThat(letter.path("error")).isEqualTo(error);
        assertThat(letter.path("payload").path("body").path("order").asInt()).isEqualTo(9);
        assertThat(Files.readAllLines(fourth.logFile().toPath())).anyMatch(l -> l.contains("given up as poison"));
        fourth.terminate(Duration.ofSeconds(60));
    }

    /** The name the servers on this home had (host and the kept random part, see NodeIdentity). */
    private String nodeName() throws Exception {
        return java.net.InetAddress.getLocalHost().getHostName() + ":"
                + Files.readString(servers.home().resolve(NodeIdentity.ID_FILE)).strip();
    }
}
