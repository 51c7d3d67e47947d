package dev.braid.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What both actions share: turning a {@code {key, value, headers}} object into a record (the value as
 * JSON, the key as text, the idempotency key added as a header) and sending a list of them, waiting for
 * every acknowledgement until the step's deadline.
 */
final class KafkaRecords {

    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final JsonMapper JSON = JsonMapper.shared();

    private KafkaRecords() {
    }

    static ProducerRecord<String, byte[]> record(String topic, JsonNode r, String idempotencyKey, String where)
            throws ActionException {
        JsonNode key = r.path("key");
        String keyText = key.isMissingNode() || key.isNull() ? null : key.isString() ? key.stringValue() : JSON.writeValueAsString(key);
        JsonNode value = r.path("value");
        byte[] bytes = value.isMissingNode() ? null : JSON.writeValueAsBytes(value);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, keyText, bytes);
        for (Map.Entry<String, JsonNode> h : r.path("headers").properties()) {
            if (!h.getValue().isValueNode() || h.getValue().isNull()) {
                throw ActionException.fatal(JsonSchema.INVALID, where + ".headers." + h.getKey()
                        + ": header values are strings, numbers or booleans");
            }
            record.headers().add(new RecordHeader(h.getKey(), h.getValue().asString().getBytes(StandardCharsets.UTF_8)));
        }
        record.headers().remove(IDEMPOTENCY_HEADER);
        record.headers().add(new RecordHeader(IDEMPOTENCY_HEADER, idempotencyKey.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    /** Sends all, then waits for all; the first failure decides the error (retryable or not). */
    /**
     * A record as a dry run shows it: {@code {key, value, headers}} exactly as it would be sent (the value is
     * JSON on the wire, shown as that JSON; headers as text, the step idempotency key among them).
     */
    static tools.jackson.databind.node.ObjectNode describe(ProducerRecord<String, byte[]> record) {
        tools.jackson.databind.node.ObjectNode out = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        out.put("key", record.key());
        if (record.value() == null) {
            out.putNull("value");
        } else {
            out.set("value", JSON.readTree(record.value()));
        }
        tools.jackson.databind.node.ObjectNode headers = out.putObject("headers");
        for (var h : record.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    static List<RecordMetadata> send(Producer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records,
                                     ActionContext ctx, String topic) throws ActionException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try {
            for (ProducerRecord<String, byte[]> record : records) {
                sent.add(producer.send(record));
            }
            producer.flush();
            List<RecordMetadata> acked = new ArrayList<>(sent.size());
            for (Future<RecordMetadata> f : sent) {
                Duration left = ctx.remaining();
                acked.add(f.get(Math.max(1, left.toMillis()), TimeUnit.MILLISECONDS));
            }
            return acked;
        } catch (java.util.concurrent.TimeoutException e) {
            throw ActionException.retryable(KafkaFailure.RETRYABLE, "publishing to '" + topic
                    + "' was not acknowledged before the step's deadline", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActionException.retryable(KafkaFailure.RETRYABLE, "publishing to '" + topic + "' was interrupted", e);
        } catch (ExecutionException | RuntimeException e) {
            throw KafkaFailure.of(e, topic);
        }
    }

    static ObjectNode position(RecordMetadata m) {
        return JsonNodeFactory.instance.objectNode().put("partition", m.partition()).put("offset", m.offset())
                .put("timestamp", m.timestamp());
    }

    static ArrayNode positions(List<RecordMetadata> acked) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        acked.forEach(m -> out.add(position(m)));
        return out;
    }
}
