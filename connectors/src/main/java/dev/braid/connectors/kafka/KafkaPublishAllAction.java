package dev.braid.connectors.kafka;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
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
 * {@code kafka.publishAll {topic, records: [{key, value, headers}]}} → {@code {topic, published, records:
 * [{partition, offset, timestamp}]}}: the bulk counterpart for batch runs. All records are sent before
 * any acknowledgement is awaited, so the producer batches them. Record i carries
 * {@code Idempotency-Key: <step key>/<i>}: a retried step sends them all again with the same keys.
 */
final class KafkaPublishAllAction implements Action {

    static final int MAX_RECORDS = 100_000;

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "topic": {"type": "string", "minLength": 1, "description": "The topic to publish to."},
                "records": {"type": "array", "description": "The records, in order: {key, value, headers} each.",
                            "items": {"type": "object",
                                      "properties": {"key": {}, "value": {}, "headers": {"type": "object"}},
                                      "required": ["value"], "additionalProperties": false}}
              },
              "required": ["topic", "records"],
              "additionalProperties": false
            }
            """);

    private final KafkaConnector connector;

    KafkaPublishAllAction(KafkaConnector connector) {
        this.connector = connector;
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public String description() {
        return "Publishes many JSON records to a topic in one step (for batch runs) and returns where each was written.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"topic": "orders.audit", "records": "{{ trigger.events.{'key': body.orderId, 'value': body} }}"}
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
        JsonNode records = with.get("records");
        if (records.size() > MAX_RECORDS) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.records: " + records.size() + " records; at most "
                    + MAX_RECORDS + " per step (split them with a chunked foreach)");
        }
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            out.add(KafkaRecords.record(topic, records.get(i), ctx.idempotencyKey() + "/" + i, "with.records[" + i + "]"));
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("topic", topic);
        if (ctx.dryRun()) {
            result.put("dryRun", true).put("records", out.size());
            var messages = result.putArray("messages");
            out.forEach(r -> messages.add(KafkaRecords.describe(r)));
            return ActionResult.of(result);
        }
        List<RecordMetadata> acked = out.isEmpty() ? List.of() : KafkaRecords.send(connector.producer(settings), out, ctx, topic);
        result.put("published", acked.size());
        result.set("records", KafkaRecords.positions(acked));
        return ActionResult.of(result);
    }
}
