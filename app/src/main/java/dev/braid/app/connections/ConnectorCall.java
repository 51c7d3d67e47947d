package dev.braid.app.connections;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.refusal.Conflict;
import dev.braid.app.refusal.NotFound;
import dev.braid.app.secrets.Masker;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;

/**
 * A stored connection opened for one call of its connector outside a run (a connection test, a listing of its
 * operations): the connector, a context with the connection's settings (secrets opened) and a deadline, and a
 * masker that knows those secrets, so what the call logs or fails with never shows them. 404 for an unknown
 * connection, 409 for one whose connector this server does not have.
 */
record ConnectorCall(Connector connector, ActionContext context, Masker masker) {

    private static final Logger log = LoggerFactory.getLogger(ConnectorCall.class);

    static ConnectorCall open(Connections connections, ConnectorRegistry connectors, Clock clock, String name,
                              String purpose, Duration timeout) {
        Connections.Resolved connection = connections.resolve(name)
                .orElseThrow(() -> new NotFound("No connection named '" + name + "' exists"));
        Connector connector = connectors.connector(connection.connector())
                .orElseThrow(() -> new Conflict("Connection '" + name + "' uses the connector '" + connection.connector()
                        + "', which this server does not have"));
        Masker masker = new Masker();
        masker.addAll(connection.secrets());
        Context context = new Context(purpose + "/" + name, connection.settings(), clock.instant().plus(timeout), clock, masker);
        return new ConnectorCall(connector, context, masker);
    }

    /** Not a run: log lines go to the server log, masked. */
    private record Context(String runId, JsonNode connection, Instant deadline, Clock clock, Masker masker)
            implements ActionContext {

        @Override
        public String stepPath() {
            return "test";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public boolean dryRun() {
            return false;
        }

        @Override
        public RunLog log() {
            return (level, text) -> log.info("{}: {} {}", runId, level, masker.mask(text));
        }
    }
}
