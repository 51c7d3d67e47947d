package dev.braid.app.connections;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.braid.app.refusal.Conflict;
import dev.braid.app.secrets.Masker;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * "Test this connection": the connector reaches its system with the stored settings, secrets opened
 * ({@link Connector#testConnection}), within {@link #TIMEOUT}. What it answers — or the failure — comes
 * back with the secret values masked. Refused (409) for a connector that cannot test a connection.
 */
@Service
public class ConnectionTest {

    private static final Logger log = LoggerFactory.getLogger(ConnectionTest.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** {@code ok} and what was found or what failed; {@code durationMs} the test's own time. */
    public record Result(boolean ok, String detail, long durationMs) {}

    private final Connections connections;
    private final ConnectorRegistry connectors;
    private final Clock clock;

    public ConnectionTest(Connections connections, ConnectorRegistry connectors, Clock clock) {
        this.connections = connections;
        this.connectors = connectors;
        this.clock = clock;
    }

    public Result test(String name) {
        ConnectorCall call = ConnectorCall.open(connections, connectors, clock, name, "connection-test", TIMEOUT);
        Connector connector = call.connector();
        Masker masker = call.masker();
        long started = System.nanoTime();
        Optional<String> found;
        try {
            found = connector.testConnection(call.context());
        } catch (ActionException e) {
            return new Result(false, masker.mask(e.getMessage()), millisSince(started));
        } catch (RuntimeException e) {
            log.warn("Testing connection {} failed unexpectedly", name, e);
            return new Result(false, masker.mask(String.valueOf(e.getMessage())), millisSince(started));
        }
        if (found.isEmpty()) {
            throw new Conflict("The " + connector.name() + " connector cannot test a connection; use it in a recipe's "
                    + "test run instead (POST /api/v1/recipes/test)");
        }
        return new Result(true, masker.mask(found.get()), millisSince(started));
    }

    private static long millisSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }
}
