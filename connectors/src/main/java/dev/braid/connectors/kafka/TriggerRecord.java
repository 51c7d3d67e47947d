package dev.braid.connectors.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One Kafka record read as a trigger (ARCHITECTURE §2): {@code {type: kafka, topic, partition, offset, key,
 * headers, timestamp, body}}, the body parsed as JSON ({@code format: json}) or kept as text. A record
 * that cannot be read that way is {@link #unreadable()}: it becomes a dead letter without a run.
 */
record TriggerRecord(String topic, int partition, long offset, ObjectNode trigger, String unreadable, ObjectNode raw) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The natural idempotency key (ARCHITECTURE §3). */
    String position() {
        return topic + "/" + partition + "/" + offset;
    }

    boolean readable() {
        return unreadable == null;
    }

    static TriggerRecord read(ConsumerRecord<byte[], byte[]> record, boolean json, JsonMapper mapper) {
        ObjectNode trigger = NODES.objectNode();
        trigger.put("type", "kafka");
        trigger.put("topic", record.topic());
        trigger.put("partition", record.partition());
        trigger.put("offset", record.offset());
        trigger.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        ObjectNode headers = trigger.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        trigger.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        String problem = null;
        byte[] value = record.value();
        if (value == null) {
            trigger.putNull("body");
        } else {
            try {
                String text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(value)).toString();
                if (json) {
                    JsonNode body = mapper.readTree(text);
                    if (body == null || body.isMissingNode()) {
                        problem = "The record's value is empty; format: json needs a JSON document";
                    } else {
                        trigger.set("body", body);
                    }
                } else {
                    trigger.put("body", text);
                }
            } catch (CharacterCodingException e) {
                problem = "The record's value is not UTF-8 text";
            } catch (JacksonException e) {
                problem = "The record's value is not valid JSON (format: json): " + e.getOriginalMessage();
            }
        }
        if (problem == null) {
            return new TriggerRecord(record.topic(), record.partition(), record.offset(), trigger, null, null);
        }
        // The dead letter keeps what was received, the value as text (lossy for binary) for a person to read.
        ObjectNode raw = trigger.deepCopy();
        raw.remove("body");
        raw.put("value", new String(value, StandardCharsets.UTF_8));
        return new TriggerRecord(record.topic(), record.partition(), record.offset(), null, problem, raw);
    }
}
