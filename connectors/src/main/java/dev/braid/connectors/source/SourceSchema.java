package dev.braid.connectors.source;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The settings schema of a message trigger (mqtt, amqp): its own properties plus the ones every connector
 * trigger shares and the recipe parser reads itself ({@code connection}, {@code idempotencyKey},
 * {@code dedupe.window} with the source's default, {@code batch}). The parser allows exactly the listed
 * properties, so a trigger publishes and enforces one list.
 */
public final class SourceSchema {

    private SourceSchema() {
    }

    /**
     * {@code own}: a JSON object of the trigger's own properties; {@code required}: their names that must be
     * given (connection always is); {@code dedupeWindow}: how long natural keys are remembered by default.
     */
    public static JsonNode of(String connector, String own, String[] required, String dedupeWindow) {
        JsonMapper json = JsonMapper.shared();
        ObjectNode schema = json.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("connection").put("type", "string")
                .put("description", "The " + connector + " connection to read from, e.g. connection: plant-broker");
        properties.setAll((ObjectNode) json.readTree(own));
        properties.putObject("idempotencyKey").put("type", "string")
                .put("description", "A JSONata expression over the trigger whose value identifies a message, e.g. "
                        + "trigger.body.messageId; without it the message's natural key is used");
        ObjectNode dedupe = properties.putObject("dedupe").put("type", "object")
                .put("description", "How long keys are remembered to drop messages delivered again");
        dedupe.putObject("properties").putObject("window").put("type", "string").put("default", dedupeWindow)
                .put("description", "e.g. 24h");
        ObjectNode batch = properties.putObject("batch").put("type", "object")
                .put("description", "Collect messages into one run with trigger.events: {maxSize, maxWait, key}");
        ObjectNode batchProps = batch.putObject("properties");
        batchProps.putObject("maxSize").put("type", "integer").put("description", "at most this many events per run (default 500)");
        batchProps.putObject("maxWait").put("type", "string").put("description", "flush after this long (default 10s)");
        batchProps.putObject("key").put("type", "string").put("description", "one batch per value of this expression");
        var req = schema.putArray("required").add("connection");
        for (String r : required) {
            req.add(r);
        }
        schema.put("additionalProperties", false);
        return schema;
    }
}
