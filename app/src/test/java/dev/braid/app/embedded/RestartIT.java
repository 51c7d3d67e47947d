package dev.braid.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;

/**
 * The embedded default across restarts: a graceful stop and a SIGKILL (which leaves the embedded
 * PostgreSQL running as an orphan) both come back with every recipe and run.
 */
class RestartIT {

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Test
    void recipesAndRunsSurviveARestartAndASigkill() throws Exception {
        Path home = servers.home();
        String runId;
        try (ServerProcess server = servers.start("restart-pw")) {
            assertThat(server.api().postYaml("/api/v1/recipes", """
                    slug: survivor
                    name: Survivor
                    trigger:
                      webhook: {}
                    steps:
                      - id: echo
                        action: core.transform
                        with: { value: "{{ trigger.body.n }}" }
                    """).status()).isEqualTo(201);
            runId = server.anonymous().postJson("/hooks/survivor", "{\"n\":1}").json().path("runId").asString();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "succeeded".equals(server.api().get("/api/v1/runs/" + runId).json().path("status").asString()));
            server.stop();
        }
        assertThat(home.resolve("postgres/PG_VERSION")).exists();
        // The embedded PostgreSQL comes back on the same port (tools pointed at it keep working).
        String port = Files.readString(home.resolve("postgres.port")).strip();

        String secondRun;
        ServerProcess restarted = servers.start("restart-pw");
        try {
            assertThat(Files.readString(home.resolve("postgres.port")).strip()).isEqualTo(port);
            assertThat(Files.readString(restarted.logFile().toPath())).contains("psql -h 127.0.0.1 -p " + port);
            assertThat(restarted.api().get("/api/v1/recipes/survivor").status()).isEqualTo(200);
            assertThat(restarted.api().get("/api/v1/runs/" + runId).json().path("output").path("value").asInt()).isEqualTo(1);
            secondRun = restarted.anonymous().postJson("/hooks/survivor", "{\"n\":2}").json().path("runId").asString();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    "succeeded".equals(restarted.api().get("/api/v1/runs/" + secondRun).json().path("status").asString()));
        } finally {
            restarted.kill();
        }
        // The killed server's PostgreSQL is still running on the data directory.
        long orphan = Long.parseLong(Files.readAllLines(home.resolve("postgres/postmaster.pid")).getFirst().strip());
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

        try (ServerProcess afterKill = servers.start("restart-pw")) {
            assertThat(Files.readString(home.resolve("postgres.port")).strip()).isEqualTo(port);
            // embedded-db follows the embedded PostgreSQL to its new port on every start.
            assertThat(afterKill.api().get("/api/v1/connections/embedded-db").json().path("connector").asString()).isEqualTo("sql");
            assertThat(afterKill.api().postJson("/api/v1/recipes/test", java.util.Map.of("recipe", """
                    slug: embedded-db-check
                    name: Embedded db check
                    trigger:
                      manual: {}
                    steps:
                      - id: q
                        action: sql.query
                        connection: embedded-db
                        with: { sql: "select current_schema() as schema, :n::int + 1 as next", params: { n: 41 } }
                    """, "trigger", java.util.Map.of("body", java.util.Map.of()), "dryRun", false)).json()
                    .path("output").path("rows").toString()).isEqualTo("[{\"schema\":\"demo\",\"next\":42}]");
            assertThat(afterKill.api().get("/api/v1/runs/" + runId).json().path("status").asString()).isEqualTo("succeeded");
            assertThat(afterKill.api().get("/api/v1/runs/" + secondRun).json().path("output").path("value").asInt()).isEqualTo(2);
            assertThat(afterKill.api().get("/api/v1/recipes/survivor").json().path("version").asInt()).isEqualTo(1);
        }
    }
}
