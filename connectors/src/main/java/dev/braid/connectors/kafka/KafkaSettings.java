package dev.braid.connectors.kafka;

import java.util.Map;
import java.util.TreeMap;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * The resolved settings of a {@code kafka} connection: where the cluster is and how to authenticate.
 * Public because the app's Kafka trigger reads a connection the same way.
 * Two steps with equal settings share one producer ({@link #clientProperties()} is the key).
 */
public record KafkaSettings(String bootstrapServers, String securityProtocol, String saslMechanism, String saslJaasConfig,
                     Map<String, String> properties) {

    static final JsonSchema SCHEMA = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "bootstrapServers": {"type": "string", "minLength": 1,
                                     "description": "host:port[,host:port...] of the cluster's brokers, e.g. kafka-1.example.com:9092"},
                "securityProtocol": {"type": "string", "enum": ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"],
                                     "default": "PLAINTEXT", "description": "security.protocol of the clients."},
                "saslMechanism": {"type": "string", "description": "sasl.mechanism, e.g. PLAIN, SCRAM-SHA-512."},
                "saslJaasConfig": {"type": "string", "x-secret": true,
                                   "description": "sasl.jaas.config, e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username=\\"u\\" password=\\"p\\";"},
                "properties": {"type": "object",
                               "description": "Further client properties as strings (ssl.truststore.location, client.dns.lookup, ...)."}
              },
              "required": ["bootstrapServers"],
              "additionalProperties": false
            }
            """);

    public static KafkaSettings from(JsonNode connection) throws ActionException {
        JsonNode c = Inputs.orEmptyObject(connection);
        if (c.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "kafka actions need a kafka connection: name one with "
                    + "'connection:' (Braid's own Kafka is the connection 'braid-kafka')");
        }
        SCHEMA.requireValid(c, "connection");
        Map<String, String> extra = new TreeMap<>();
        for (Map.Entry<String, JsonNode> p : c.path("properties").properties()) {
            if (!p.getValue().isValueNode() || p.getValue().isNull()) {
                throw ActionException.fatal(JsonSchema.INVALID, "connection.properties." + p.getKey()
                        + ": client properties are strings, numbers or booleans");
            }
            extra.put(p.getKey(), p.getValue().asString());
        }
        return new KafkaSettings(c.get("bootstrapServers").stringValue(), text(c, "securityProtocol"),
                text(c, "saslMechanism"), text(c, "saslJaasConfig"), Map.copyOf(extra));
    }

    /** Everything the connection decides about a client; the producer's own settings come on top. */
    public Map<String, String> clientProperties() {
        Map<String, String> props = new TreeMap<>(properties);
        props.put("bootstrap.servers", bootstrapServers);
        if (securityProtocol != null) {
            props.put("security.protocol", securityProtocol);
        }
        if (saslMechanism != null) {
            props.put("sasl.mechanism", saslMechanism);
        }
        if (saslJaasConfig != null) {
            props.put("sasl.jaas.config", saslJaasConfig);
        }
        return Map.copyOf(props);
    }

    private static String text(JsonNode c, String name) {
        JsonNode v = c.get(name);
        return v == null || v.isNull() ? null : v.stringValue();
    }
}
