package dev.braid.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.TestDatabase;
import dev.braid.app.support.TestKafka;
import tools.jackson.databind.JsonNode;

/**
 * The cluster view (issue 19, ARCHITECTURE §12) with two nodes on one database: this test's server and a second
 * server process. Both appear alive in {@code GET /api/v1/cluster} with their address, version, start and
 * Quartz instance; the second holds the lease of a run whose step waits on the stub. SIGKILLed, it is shown
 * dead within {@code dead-after} + one heartbeat, and its run goes back to the queue within the stated bound
 * ({@code leasesReturnWithin}: lease + reap interval) and ends on this node. The times are printed.
 */
class ClusterIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(ClusterIT.class);

    @Test
    void bothNodesAreShownAndAKilledNodeIsShownDeadAndItsRunTakenOverWithinTheBound() throws Exception {
        stub.hold("/slow");
        braid.saveRecipe("""
                slug: cluster-held
                name: A step that waits on the target
                trigger:
                  webhook: {}
                steps:
                  - id: call
                    action: http.request
                    with: { method: POST, url: "%s", body: "{{ trigger.body }}" }
                """.formatted(stub.url("/slow")));
        Path home = Path.of("target/test-braid-home").toAbsolutePath();
        ServerProcess second = new ServerProcess(home, ADMIN_PASSWORD,
                "--spring.datasource.url=" + TestDatabase.jdbcUrl(), "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres", "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "--braid.worker.poll-interval=60s").start();
        try {
            JsonNode cluster = api.get("/api/v1/cluster").json();
            String self = cluster.path("self").asString();
            assertThat(cluster.path("bounds").path("leasesReturnWithin").asString()).isEqualTo("PT35S");
            String other = await().atMost(Duration.ofSeconds(30)).until(() -> otherAlive(self), id -> id != null);
            JsonNode me = node(self);
            assertThat(me.path("state").asString()).isEqualTo("alive");
            assertThat(me.path("self").asBoolean()).isTrue();
            assertThat(me.path("address").asString()).endsWith(":" + port);
            assertThat(me.path("readers").path("quartzInstance").asString()).isNotBlank();
            assertThat(node(other).path("readers").path("quartzInstance").asString()).isNotBlank()
                    .isNotEqualTo(me.path("readers").path("quartzInstance").asString());

            // The second node takes the webhook's run and holds its lease while the step waits on the stub.
            String runId = second.anonymous().postJson("/hooks/cluster-held", Map.of("n", 1)).json().path("runId").asString();
            await().atMost(Duration.ofSeconds(30)).until(() -> !stub.received("/slow").isEmpty());
            String holder = jdbc.sql("select locked_by from runs where id = ?::uuid").param(runId).query(String.class).single();
            await().atMost(Duration.ofSeconds(15)).until(() -> node(holder).path("runsLeased").asLong() >= 1);
            assertThat(holder).isEqualTo(other);

            long killed = System.nanoTime();
            second.kill();
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "dead".equals(node(other).path("state").asString()));
            Duration shownDead = Duration.ofNanos(System.nanoTime() - killed);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> !other.equals(
                    jdbc.sql("select coalesce(locked_by, '') from runs where id = ?::uuid").param(runId).query(String.class).single()));
            Duration leaseBack = Duration.ofNanos(System.nanoTime() - killed);
            log.info("Cluster take-over: the killed node was shown dead after {} ms, its run left its lease after {} ms "
                    + "(bound: dead-after 15 s + heartbeat 5 s; lease 30 s + reap 5 s)", shownDead.toMillis(), leaseBack.toMillis());
            System.out.printf("Cluster take-over: shown dead after %d ms, run lease back after %d ms%n",
                    shownDead.toMillis(), leaseBack.toMillis());
            assertThat(shownDead).isLessThanOrEqualTo(Duration.ofSeconds(20 + 2));
            assertThat(leaseBack).isLessThanOrEqualTo(Duration.ofSeconds(35 + 5));

            stub.release("/slow");
            braid.awaitStatus(runId, "succeeded");
            assertThat(node(other).path("runsLeased").asLong()).isZero();
        } finally {
            stub.release("/slow");
            if (second.isAlive()) {
                second.kill();
            }
        }
    }

    private String otherAlive(String self) {
        for (JsonNode n : api.get("/api/v1/cluster").json().path("nodes")) {
            if (!n.path("id").asString().equals(self) && "alive".equals(n.path("state").asString())) {
                return n.path("id").asString();
            }
        }
        return null;
    }

    private JsonNode node(String id) {
        ApiClient.Response cluster = api.get("/api/v1/cluster");
        for (JsonNode n : cluster.json().path("nodes")) {
            if (n.path("id").asString().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("No node " + id + " in " + cluster.body());
    }
}
