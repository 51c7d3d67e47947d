package dev.braid.app.embedded;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.braid.app.connections.Connections;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * In the embedded default a connection named {@code embedded-db} points at the embedded PostgreSQL
 * (schema {@code demo}), so samples, SQL steps and database triggers work with no other server. The
 * embedded server's port changes with every start, so the connection is written again at each start.
 */
@Component
@Conditional(NoDatasourceUrlCondition.class)
class EmbeddedDbConnection {

    static final String NAME = "embedded-db";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDbConnection.class);

    private final EmbeddedPostgresConfiguration.EmbeddedPostgresInfo postgres;
    private final DataSource dataSource;
    private final Connections connections;
    private final ConnectorRegistry connectors;

    EmbeddedDbConnection(EmbeddedPostgresConfiguration.EmbeddedPostgresInfo postgres, DataSource dataSource,
                         Connections connections, ConnectorRegistry connectors) {
        this.postgres = postgres;
        this.dataSource = dataSource;
        this.connections = connections;
        this.connectors = connectors;
    }

    @EventListener(ApplicationReadyEvent.class)
    void point() {
        if (connectors.connector("sql").isEmpty()) {
            return;
        }
        new JdbcTemplate(dataSource).execute("create schema if not exists demo");
        ObjectNode settings = JsonNodeFactory.instance.objectNode()
                .put("url", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres")
                .put("username", "postgres")
                .put("password", "postgres")
                .put("schema", "demo");
        try {
            connections.save(NAME, "sql", settings);
            log.info("Connection '{}' points at the embedded PostgreSQL (schema demo)", NAME);
        } catch (RuntimeException e) {
            // The server is useful without it; say why it is missing instead of refusing to start.
            log.warn("Connection '{}' could not be written: {}", NAME, e.getMessage());
        }
    }
}
