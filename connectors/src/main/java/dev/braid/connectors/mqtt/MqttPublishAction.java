package dev.braid.connectors.mqtt;

import java.nio.charset.StandardCharsets;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code mqtt.publish {topic, payload, qos, retain}} → {@code {topic, qos, retained, bytes}}: one message,
 * a text payload sent as it is and any other value as JSON; with QoS 1 or 2 the step succeeds only once
 * the broker acknowledged it. MQTT 3.1.1 has no headers, so the step's idempotency key cannot travel with
 * the message: a retried step publishes again (QoS 1 is at least once anyway); put a message id in the
 * payload when subscribers must drop repeats.
 */
final class MqttPublishAction implements Action {

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "topic": {"type": "string", "minLength": 1,
                          "description": "The topic to publish to, without wildcards, e.g. plant/line-1/commands"},
                "payload": {"description": "The message: a text is sent as it is, any other value as JSON."},
                "qos": {"type": "integer", "enum": [0, 1, 2],
                        "description": "0 at most once, 1 at least once (default), 2 exactly once between client and broker."},
                "retain": {"type": "boolean", "description": "Whether the broker keeps it as the topic's last value for new subscribers (default false)."}
              },
              "required": ["topic", "payload"],
              "additionalProperties": false
            }
            """);

    private final MqttConnector connector;

    MqttPublishAction(MqttConnector connector) {
        this.connector = connector;
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public String description() {
        return "Publishes one message to an MQTT topic (QoS 0, 1 or 2, optionally retained) and waits for the broker's "
                + "acknowledgement; answers {topic, qos, retained, bytes}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"topic": "plant/{{ trigger.body.line }}/commands", "payload": {"command": "slow-down", "reason": "{{ trigger.body.reason }}"}, "qos": 1, "retain": false}
                """);
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        String topic = with.get("topic").stringValue();
        if (topic.contains("+") || topic.contains("#")) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.topic: '" + topic
                    + "' has a wildcard (+ or #); a message is published to one topic, e.g. plant/line-1/commands");
        }
        MqttSettings settings = MqttSettings.from(ctx.connection());
        JsonNode payload = with.get("payload");
        byte[] bytes = (payload.isString() ? payload.stringValue() : payload.toString()).getBytes(StandardCharsets.UTF_8);
        int qos = with.path("qos").asInt(1);
        boolean retain = with.path("retain").asBoolean(false);
        var out = JsonNodeFactory.instance.objectNode().put("topic", topic).put("qos", qos).put("retained", retain)
                .put("bytes", bytes.length);
        if (ctx.dryRun()) {
            return ActionResult.of(out.put("dryRun", true));
        }
        MqttMessage message = new MqttMessage(bytes);
        message.setQos(qos);
        message.setRetained(retain);
        long wait = Math.max(1, ctx.remaining().toMillis());
        try {
            MqttAsyncClient client = connector.publisher(settings, wait);
            IMqttDeliveryToken token = client.publish(topic, message);
            token.waitForCompletion(wait);
        } catch (MqttException e) {
            throw MqttFailure.of(e, "publishing to '" + topic + "' at " + settings.url());
        }
        return ActionResult.of(out);
    }
}
