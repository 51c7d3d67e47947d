package dev.braid.connectors.kafka;

import java.util.List;

import org.apache.kafka.clients.producer.RecordMetadata;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kafka.publish {topic, key, value, headers}} → {@code {topic, partition, offset, timestamp}}:
 * one record, its value as JSON, acknowledged by all in-sync replicas before the step succeeds.
 */
final class KafkaPublishAction implements Action {

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "topic": {"type": "string", "minLength": 1, "description": "The topic to publish to."},
                "key": {"description": "The record key (text; other values are sent as their JSON). Records with one key keep their order."},
                "value": {"description": "The record value, sent as JSON."},
                "headers": {"type": "object", "description": "Headers as name: text. Idempotency-Key is always the step's idempotency key."}
              },
              "required": ["topic", "value"],
              "additionalProperties": false
            }
            """);

    private final KafkaConnector connector;

    KafkaPublishAction(KafkaConnector connector) {
        this.connector = connector;
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public String description() {
        return "Publishes one JSON record to a topic and returns where it was written {topic, partition, offset, timestamp}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"topic": "orders.created", "key": "{{ trigger.body.orderId }}", "value": "{{ trigger.body }}", "headers": {"source": "braid"}}
                """);
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        KafkaSettings settings = KafkaSettings.from(ctx.connection());
        String topic = with.get("topic").stringValue();
        var record = KafkaRecords.record(topic, with, ctx.idempotencyKey(), "with");
        if (ctx.dryRun()) {
            return ActionResult.of(JsonNodeFactory.instance.objectNode().put("dryRun", true).put("topic", topic)
                    .put("records", 1).setAll(KafkaRecords.describe(record)));
        }
        List<RecordMetadata> acked = KafkaRecords.send(connector.producer(settings), List.of(record), ctx, topic);
        ObjectNode out = KafkaRecords.position(acked.getFirst());
        return ActionResult.of(JsonNodeFactory.instance.objectNode().put("topic", topic).setAll(out));
    }
}
