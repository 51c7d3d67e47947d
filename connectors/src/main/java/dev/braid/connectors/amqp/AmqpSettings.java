package dev.braid.connectors.amqp;

import java.security.NoSuchAlgorithmException;

import com.rabbitmq.client.ConnectionFactory;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * The resolved settings of an {@code amqp} connection: where the broker is, which virtual host, and who
 * connects. Equal settings share one publishing connection ({@link AmqpConnector}); each trigger opens its own.
 */
record AmqpSettings(String host, int port, String virtualHost, String username, String password, boolean tls,
                    int connectTimeout) {

    static final JsonSchema SCHEMA = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "host": {"type": "string", "minLength": 1, "description": "The broker's host name, e.g. rabbit.example.com"},
                "port": {"type": "integer", "description": "Its AMQP port (default 5672, 5671 with tls)."},
                "virtualHost": {"type": "string", "description": "The virtual host (default /)."},
                "username": {"type": "string", "description": "User name (default guest)."},
                "password": {"type": "string", "x-secret": true, "description": "Password of that user (write-only)."},
                "tls": {"type": "boolean", "description": "Connect over TLS (default false)."},
                "connectTimeout": {"type": "integer", "description": "Seconds to wait for the broker to accept a connection (default 10)."}
              },
              "required": ["host"],
              "additionalProperties": false
            }
            """);

    static AmqpSettings from(JsonNode connection) throws ActionException {
        JsonNode c = Inputs.orEmptyObject(connection);
        if (c.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "amqp actions need an amqp connection: name one with "
                    + "'connection:' (settings {host, port, virtualHost, username, password})");
        }
        SCHEMA.requireValid(c, "connection");
        boolean tls = c.path("tls").asBoolean(false);
        return new AmqpSettings(c.get("host").stringValue(), c.path("port").asInt(tls ? 5671 : 5672),
                c.path("virtualHost").asString("/"), c.path("username").asString("guest"),
                c.path("password").asString("guest"), tls, c.path("connectTimeout").asInt(10));
    }

    /** A factory for these settings; Braid connects again itself, so the client's own recovery is off. */
    ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(port);
        f.setVirtualHost(virtualHost);
        f.setUsername(username);
        f.setPassword(password);
        f.setConnectionTimeout(connectTimeout * 1000);
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        if (tls) {
            try {
                f.useSslProtocol(javax.net.ssl.SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("TLS is not available in this JVM", e);
            }
        }
        return f;
    }

    String where() {
        return host + ":" + port + virtualHost;
    }

    @Override
    public String toString() {
        // never the password
        return "AmqpSettings[" + username + "@" + where() + "]";
    }
}
