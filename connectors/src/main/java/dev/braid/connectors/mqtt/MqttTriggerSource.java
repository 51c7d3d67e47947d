package dev.braid.connectors.mqtt;

import java.util.ArrayList;
import java.util.List;

import dev.braid.connectors.source.SourceSchema;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;

/**
 * The consuming side of the mqtt connector, the {@code mqtt:} trigger:
 *
 * <pre>{@code
 * trigger:
 *   mqtt: { connection: plant-broker, topics: ["plant/+/temperature"], qos: 1, format: json,
 *           batch: { maxSize: 500, maxWait: 5s } }     # batch optional
 * }</pre>
 *
 * One {@link MqttSubscription} per recipe version, with the stable client id {@code braid-<slug>} (or
 * {@code clientId}) and a persistent session, so that the broker keeps QoS 1 messages published while
 * Braid is down and delivers them when it is back.
 */
final class MqttTriggerSource implements TriggerSource {

    static final JsonNode SCHEMA = SourceSchema.of("mqtt", """
            {
              "topics": {"type": "array", "items": {"type": "string"},
                         "description": "list the topic filters to subscribe to, + for one level and # for all below, e.g. topics: [\\"plant/+/temperature\\"]"},
              "qos": {"type": "integer", "minimum": 0, "maximum": 1,
                      "description": "1 (default): at least once, each message acknowledged after its run is stored; 0: at most once"},
              "format": {"type": "string", "enum": ["json", "text"], "description": "json (default): the payload is parsed as JSON; text: kept as text"},
              "clientId": {"type": "string", "description": "The session's client id, unique on the broker (default braid-<recipe slug>)"}
            }
            """, new String[] {"topics"}, "24h");

    @Override
    public String type() {
        return "mqtt";
    }

    @Override
    public JsonNode settingsSchema() {
        return SCHEMA.deepCopy();
    }

    @Override
    public Running start(TriggerContext context) {
        if (!(context.settings() instanceof TriggerSettings.Source settings)) {
            throw new IllegalArgumentException("The mqtt trigger source was handed " + context.settings().type().wire()
                    + " settings");
        }
        MqttSettings connection;
        try {
            connection = MqttSettings.from(context.connection());
        } catch (ActionException e) {
            throw new IllegalStateException("The trigger's mqtt connection '" + settings.connection() + "' is not usable: "
                    + e.getMessage(), e);
        }
        JsonNode options = settings.options();
        List<String> topics = new ArrayList<>();
        options.path("topics").forEach(t -> topics.add(t.asString()));
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("The mqtt trigger of recipe '" + context.recipe() + "' lists no topics");
        }
        String clientId = options.path("clientId").asString("braid-" + context.recipe());
        MqttSubscription subscription = new MqttSubscription(context, connection, clientId, topics,
                options.path("qos").asInt(1), !"text".equals(options.path("format").asString("json")), settings.batch());
        subscription.start();
        return subscription;
    }
}
