package dev.braid.connectors.sql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** One embedded PostgreSQL (bound to 127.0.0.1) for all sql tests of the JVM, stopped when it exits. */
final class SqlTestDatabase {

    /** The server trusts local connections, so any password works; this one is easy to search for. */
    static final String PASSWORD = "pw-7c1f-not-shown";

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private SqlTestDatabase() {}

    static synchronized String jdbcUrl() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
        }
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    /** Connection settings for the sql connector. */
    static ObjectNode connection() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("url", jdbcUrl());
        c.put("username", "postgres");
        c.put("password", PASSWORD);
        return c;
    }

    static String uniqueTable(String prefix) {
        return prefix + "_" + TABLES.incrementAndGet();
    }

    /** Runs statements directly (setup and checks, outside the connector). */
    static void exec(String... sql) {
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String each : sql) {
                s.execute(each);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> strings(String sql) {
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String table) {
        return Long.parseLong(strings("select count(*) from " + table).getFirst());
    }

    private static synchronized EmbeddedPostgres postgres() {
        jdbcUrl();
        return postgres;
    }
}
