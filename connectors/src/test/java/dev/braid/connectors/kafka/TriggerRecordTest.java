package dev.braid.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class TriggerRecordTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aJsonRecordBecomesTheKafkaTriggerObject() {
        TriggerRecord r = TriggerRecord.read(record("orders", 2, 41, "o-1", "{\"id\": 7}"), true, json);
        assertThat(r.readable()).isTrue();
        assertThat(r.position()).isEqualTo("orders/2/41");
        assertThat(r.trigger().toString()).isEqualTo("""
                {"type":"kafka","topic":"orders","partition":2,"offset":41,"key":"o-1","headers":{"source":"shop"},\
                "timestamp":"2026-11-29T00:00:00Z","body":{"id":7}}""");
    }

    @Test
    void formatTextKeepsTheValueAsAString() {
        TriggerRecord r = TriggerRecord.read(record("logs", 0, 3, null, "not {json"), false, json);
        assertThat(r.readable()).isTrue();
        assertThat(r.trigger().path("body").asString()).isEqualTo("not {json");
        assertThat(r.trigger().path("key").isNull()).isTrue();
    }

    @Test
    void invalidOrEmptyJsonIsUnreadableAndKeepsTheRawValue() {
        TriggerRecord bad = TriggerRecord.read(record("orders", 0, 5, "k", "{\"id\": "), true, json);
        assertThat(bad.readable()).isFalse();
        assertThat(bad.unreadable()).contains("not valid JSON");
        assertThat(bad.raw().path("value").asString()).isEqualTo("{\"id\": ");
        assertThat(bad.raw().path("offset").asLong()).isEqualTo(5);
        assertThat(bad.raw().has("body")).isFalse();

        TriggerRecord empty = TriggerRecord.read(record("orders", 0, 6, "k", ""), true, json);
        assertThat(empty.readable()).isFalse();
        assertThat(empty.unreadable()).contains("empty");
    }

    @Test
    void bytesThatAreNotUtf8AreUnreadableInEitherFormat() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 0, 1, 0L, TimestampType.CREATE_TIME, 0, latin1.length,
                null, latin1, new RecordHeaders(), Optional.empty());
        assertThat(TriggerRecord.read(r, false, json).unreadable()).contains("UTF-8");
        assertThat(TriggerRecord.read(r, true, json).unreadable()).contains("UTF-8");
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, String key, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("source", "shop".getBytes(StandardCharsets.UTF_8));
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(topic, partition, offset, 1_795_910_400_000L, TimestampType.CREATE_TIME, 0, v.length,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), v, headers, Optional.empty());
    }
}
