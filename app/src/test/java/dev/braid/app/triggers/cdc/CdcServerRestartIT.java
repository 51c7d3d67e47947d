package dev.braid.app.triggers.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.ServerProcess;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default end to end, in a server of its own: a cdc recipe on {@code embedded-db}, the
 * server killed with SIGKILL (no offset commit on the way out), changes made while it is down, and a
 * new start that delivers each of them once — nothing lost, nothing twice.
 */
class CdcServerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** The SIGKILL leaves the embedded PostgreSQL running; a failed assertion must not leave it behind. */
    @AfterEach
    void stopLeftoverPostgres() throws Exception {
        Path pidFile = dir.resolve("home/postgres/postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void changesMadeWhileTheServerIsDeadArriveOnceAfterItsRestart() throws Exception {
        Path home = dir.resolve("home");
        ServerProcess server = new ServerProcess(home, "cdc-pw").start();
        try {
            sql(home, "create table demo.orders (id int primary key, item text not null)",
                    "alter table demo.orders replica identity full");
            ApiClient.Response saved = server.api().postYaml("/api/v1/recipes", """
                    slug: order-feed
                    name: Order feed
                    trigger:
                      cdc: { connection: embedded-db, tables: [demo.orders], operations: [insert, update] }
                    steps:
                      - id: item
                        action: core.transform
                        with: { value: "{{ trigger.after.item }}" }
                    """);
            assertThat(saved.status()).as(saved.body()).isEqualTo(201);
            await().atMost(WAIT).until(() -> count(home, "select count(*) from pg_replication_slots where slot_name = 'braid_embedded_db' and active") == 1);
            sql(home, "insert into demo.orders values (1, 'before the crash')");
            awaitItems(server.api(), 1);
        } finally {
            server.kill();
        }

        // The orphaned embedded PostgreSQL still runs: change the table while no Braid reads it.
        sql(home, "insert into demo.orders values (2, 'while down')", "update demo.orders set item = 'changed while down' where id = 1");

        try (ServerProcess restarted = new ServerProcess(home, "cdc-pw").start()) {
            sql(home, "insert into demo.orders values (3, 'after the restart')");
            List<String> items = awaitItems(restarted.api(), 4);
            assertThat(items).containsExactly("before the crash", "while down", "changed while down", "after the restart");
            restarted.stop();
        }
    }

    /** The run outputs of order-feed, oldest first, once there are at least {@code count}; fails on more. */
    private static List<String> awaitItems(ApiClient api, int count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() ->
                api.get("/api/v1/runs?recipe=order-feed&status=succeeded&limit=500").json().path("items").size() >= count);
        JsonNode items = api.get("/api/v1/runs?recipe=order-feed&limit=500").json().path("items");
        List<String> out = new ArrayList<>();
        for (JsonNode run : items) {
            out.addFirst(run.path("output").path("value").asString());
        }
        assertThat(out).hasSize(count);
        return out;
    }

    private static void sql(Path home, String... statements) throws Exception {
        try (Connection c = connect(home); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static int count(Path home, String query) throws Exception {
        try (Connection c = connect(home); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Connection connect(Path home) throws Exception {
        String port = Files.readString(home.resolve("postgres.port")).strip();
        try {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("The embedded PostgreSQL of " + home + " is not reachable on port " + port, e);
        }
    }
}
