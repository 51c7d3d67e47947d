package dev.braid.app.connections;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import dev.braid.app.refusal.Conflict;
import dev.braid.app.refusal.Invalid;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The operations a connection offers ({@link Connector#operations}): an {@code openapi} connection's, read from
 * its document, for the catalogue and the studio. 404 for an unknown connection, 400 for one whose connector has
 * no operations of its own, 409 when its document cannot be read.
 */
@Service
public class ConnectionOperations {

    /** How long a document given by URL may take to fetch. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Connections connections;
    private final ConnectorRegistry connectors;
    private final Clock clock;

    public ConnectionOperations(Connections connections, ConnectorRegistry connectors, Clock clock) {
        this.connections = connections;
        this.connectors = connectors;
        this.clock = clock;
    }

    public JsonNode of(String name) {
        ConnectorCall call = ConnectorCall.open(connections, connectors, clock, name, "connection-operations", TIMEOUT);
        Connector connector = call.connector();
        try {
            return connector.operations(call.context()).orElseThrow(() -> Invalid.errors("Connection '" + name + "' is a '"
                    + connector.name() + "' connection, which has no operations of its own; operations are listed for "
                    + "openapi connections (its actions are in GET /api/v1/connectors)",
                    List.of(Map.of("path", "name", "message", "'" + name + "' is not an openapi connection"))));
        } catch (ActionException e) {
            throw new Conflict("The operations of connection '" + name + "' cannot be listed: " + call.masker().mask(e.getMessage()));
        }
    }
}
