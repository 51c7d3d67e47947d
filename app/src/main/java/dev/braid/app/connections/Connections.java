package dev.braid.app.connections;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.braid.app.refusal.Invalid;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.parse.ConnectionTypes;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place that knows what a connection is: typed by its connector, its settings checked
 * against the connector's JSON Schema, its secret fields split off to be sealed, kept when a change
 * leaves them out, and merged back for a run.
 */
@Component
public class Connections implements ConnectionTypes {

    private final ConnectionStore store;
    private final ConnectorRegistry connectors;

    public Connections(ConnectionStore store, ConnectorRegistry connectors) {
        this.store = store;
        this.connectors = connectors;
    }

    /** Saves a connection; a secret field left out keeps its stored value. True when created. */
    public boolean save(String name, String connectorName, JsonNode settings) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw invalid("name", "The name must be 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit");
        }
        Connector connector = connectors.connector(connectorName == null ? "" : connectorName)
                .orElseThrow(() -> invalid("connector", "Unknown connector '" + connectorName + "'; known: "
                        + connectors.connectors().stream().map(Connector::name).toList()));
        JsonNode given = settings == null || settings.isNull() ? JsonNodeFactory.instance.objectNode() : settings;
        if (!given.isObject()) {
            throw invalid("settings", "settings must be an object");
        }
        SecretFields secret = SecretFields.of(connector.connectionSchema());
        ObjectNode secrets = secret.secretPart(given);
        Optional<ConnectionStore.Stored> existing = store.find(name);
        if (existing.isPresent() && existing.get().connector().equals(connector.name())) {
            // PUT without a secret field keeps it (the API never shows secrets, so clients cannot send them back).
            ObjectNode kept = existing.get().secrets().deepCopy();
            kept.setAll(secrets);
            secrets = kept;
        }
        ObjectNode full = secret.merge(secret.publicPart(given), secrets);
        List<String> violations = JsonSchema.parse(connector.connectionSchema().toString()).violations(full, "settings");
        if (!violations.isEmpty()) {
            List<Map<String, Object>> errors = new ArrayList<>();
            for (String v : violations) {
                int colon = v.indexOf(": ");
                errors.add(Map.of("path", colon > 0 ? v.substring(0, colon) : "settings",
                        "message", colon > 0 ? v.substring(colon + 2) : v));
            }
            throw Invalid.errors("The settings do not fit the " + connector.name()
                    + " connector (" + violations.size() + " problem(s))", errors);
        }
        return store.put(name, connector.name(), secret.publicPart(given), secrets);
    }

    /** The full settings of a connection, secrets opened: what an action receives. */
    public Optional<Resolved> resolve(String name) {
        return store.find(name).map(s -> {
            SecretFields secret = connectors.connector(s.connector())
                    .map(c -> SecretFields.of(c.connectionSchema()))
                    .orElse(SecretFields.of(JsonNodeFactory.instance.objectNode()));
            return new Resolved(s.name(), s.connector(), secret.merge(s.settings(), s.secrets()), s.secrets());
        });
    }

    /** A connection ready for a run; {@code secrets} are its secret values (to mask them in run history). */
    public record Resolved(String name, String connector, ObjectNode settings, ObjectNode secrets) {}

    @Override
    public Optional<String> connectorOf(String connectionName) {
        return store.connectorOf(connectionName);
    }

    /** Non-secret settings only: a secret field is never handed to recipe validation. */
    @Override
    public Optional<String> settingOf(String connectionName, String setting) {
        return store.find(connectionName).map(s -> s.settings().get(setting))
                .filter(JsonNode::isString).map(JsonNode::asString);
    }

    /** Non-secret settings only, as {@link #settingOf} (an openapi connection's document, for checking steps). */
    @Override
    public Optional<JsonNode> settingsOf(String connectionName) {
        return store.find(connectionName).map(s -> (JsonNode) s.settings());
    }

    /**
     * {@code settings} of a {@code connectorName} connection split as they are stored: the public part, and the
     * secret values it holds by dotted name (promotion compares and lists them without opening stored ones).
     */
    public Split split(String connectorName, JsonNode settings) {
        SecretFields secret = connectors.connector(connectorName).map(c -> SecretFields.of(c.connectionSchema()))
                .orElse(SecretFields.of(JsonNodeFactory.instance.objectNode()));
        JsonNode given = settings == null || settings.isNull() ? JsonNodeFactory.instance.objectNode() : settings;
        return new Split(secret.publicPart(given), secret.secretPart(given));
    }

    public record Split(ObjectNode publicPart, ObjectNode secrets) {}

    private static Invalid invalid(String field, String message) {
        return Invalid.errors(message, List.of(Map.of("path", field, "message", message)));
    }
}
