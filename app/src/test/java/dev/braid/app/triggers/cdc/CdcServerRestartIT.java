package dev.braid.app.triggers.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.TestSql;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default end to end, in a server of its own: a cdc recipe on {@code embedded-db}, the
 * server killed with SIGKILL (no offset commit on the way out), changes made while it is down, and a
 * new start that delivers each of them once — nothing lost, nothing twice.
 */
class CdcServerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Test
    void changesMadeWhileTheServerIsDeadArriveOnceAfterItsRestart() throws Exception {
        ServerProcess server = servers.start("cdc-pw");
        try {
            sql("create table demo.orders (id int primary key, item text not null)",
                    "alter table demo.orders replica identity full");
            server.braid().saveRecipe("""
                    slug: order-feed
                    name: Order feed
                    trigger:
                      cdc: { connection: embedded-db, tables: [demo.orders], operations: [insert, update] }
                    steps:
                      - id: item
                        action: core.transform
                        with: { value: "{{ trigger.after.item }}" }
                    """);
            await().atMost(WAIT)
                    .until(() -> servers.count(TestSql.streamingSlots("braid_embedded_db")) == 1);
            sql("insert into demo.orders values (1, 'before the crash')");
            awaitItems(server.api(), 1);
        } finally {
            server.kill();
        }

        // The orphaned embedded PostgreSQL still runs: change the table while no Braid reads it.
        sql("insert into demo.orders values (2, 'while down')", "update demo.orders set item = 'changed while down' where id = 1");

        try (ServerProcess restarted = servers.start("cdc-pw")) {
            sql("insert into demo.orders values (3, 'after the restart')");
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

    private void sql(String... statements) throws Exception {
        try (Connection c = servers.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
