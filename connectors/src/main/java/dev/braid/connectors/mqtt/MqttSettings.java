package dev.braid.connectors.mqtt;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * The resolved settings of an {@code mqtt} connection: the broker's URL and credentials. Equal settings
 * share one publishing client ({@link MqttConnector}); the trigger opens its own client per recipe.
 */
record MqttSettings(String url, String username, String password, int keepAlive, int connectTimeout) {

    static final JsonSchema SCHEMA = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "url": {"type": "string", "pattern": "^(tcp|ssl)://[^/\\\\s]+:[0-9]+$",
                        "description": "The broker, tcp://host:1883 or ssl://host:8883"},
                "username": {"type": "string", "description": "User name, when the broker asks for one."},
                "password": {"type": "string", "x-secret": true, "description": "Password of that user (write-only)."},
                "keepAlive": {"type": "integer", "description": "Keep-alive interval in seconds (default 30)."},
                "connectTimeout": {"type": "integer", "description": "Seconds to wait for the broker to accept a connection (default 10)."}
              },
              "required": ["url"],
              "additionalProperties": false
            }
            """);

    static MqttSettings from(JsonNode connection) throws ActionException {
        JsonNode c = Inputs.orEmptyObject(connection);
        if (c.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "mqtt actions need an mqtt connection: name one with "
                    + "'connection:' (settings {url: tcp://host:1883, username, password})");
        }
        SCHEMA.requireValid(c, "connection");
        return new MqttSettings(c.get("url").stringValue(), text(c, "username"), text(c, "password"),
                c.path("keepAlive").asInt(30), c.path("connectTimeout").asInt(10));
    }

    /** Options for a connection; {@code persistentSession}: the broker keeps the subscription and unacknowledged messages. */
    MqttConnectOptions options(boolean persistentSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(!persistentSession);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(keepAlive);
        o.setConnectionTimeout(connectTimeout);
        o.setMaxInflight(1000);
        if (username != null) {
            o.setUserName(username);
        }
        if (password != null) {
            o.setPassword(password.toCharArray());
        }
        return o;
    }

    private static String text(JsonNode c, String name) {
        JsonNode v = c.get(name);
        return v == null || v.isNull() ? null : v.stringValue();
    }

    @Override
    public String toString() {
        // never the password
        return "MqttSettings[url=" + url + ", username=" + username + "]";
    }
}
