package dev.braid.app.triggers.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading Debezium's JSON change events into what a recipe sees, and the natural idempotency key. */
class CdcChangeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String UPDATE = """
            {"before":{"id":7,"qty":1},"after":{"id":7,"qty":5},
             "source":{"version":"3.6.1.Final","connector":"postgresql","name":"braid_shop","ts_ms":1764374400000,
                       "snapshot":"false","db":"shop","schema":"public","table":"orders","txId":812,"lsn":23691208},
             "op":"u","ts_ms":1764374400123}""";

    @Test
    void anUpdateBecomesTheBodyAndTheTopLevelFieldsOfTheTrigger() {
        CdcChange change = CdcChange.read("{\"id\":7}", UPDATE, JSON).orElseThrow();
        JsonNode trigger = change.trigger();

        assertThat(trigger.path("type").asString()).isEqualTo("cdc");
        JsonNode body = trigger.path("body");
        assertThat(body.path("op").asString()).isEqualTo("update");
        assertThat(body.path("table").asString()).isEqualTo("public.orders");
        assertThat(body.path("before").path("qty").asInt()).isEqualTo(1);
        assertThat(body.path("after").path("qty").asInt()).isEqualTo(5);
        assertThat(body.path("source").path("lsn").asString()).isEqualTo("23691208");
        assertThat(body.path("source").path("txId").asLong()).isEqualTo(812);
        assertThat(body.path("source").path("ts").asString()).isEqualTo("2025-11-29T00:00:00Z");
        assertThat(trigger.path("op")).isEqualTo(body.path("op"));
        assertThat(trigger.path("after")).isEqualTo(body.path("after"));
        assertThat(trigger.path("key").path("id").asInt()).isEqualTo(7);
        assertThat(change.naturalKey()).isEqualTo("cdc:23691208/public.orders/{\"id\":7}");
    }

    @Test
    void snapshotRowsAreReadsAndKeyedApartFromStreamedChanges() {
        String read = UPDATE.replace("\"op\":\"u\"", "\"op\":\"r\"").replace("\"before\":{\"id\":7,\"qty\":1}", "\"before\":null");
        CdcChange change = CdcChange.read("{\"id\":7}", read, JSON).orElseThrow();
        assertThat(change.op()).isEqualTo("read");
        assertThat(change.before().isNull()).isTrue();
        assertThat(change.naturalKey()).endsWith("/read");
    }

    @Test
    void aTableWithoutPrimaryKeyIsKeyedByItsRowImage() {
        CdcChange change = CdcChange.read(null, UPDATE, JSON).orElseThrow();
        assertThat(change.naturalKey()).isEqualTo("cdc:23691208/public.orders/{\"id\":7,\"qty\":5}");
    }

    @Test
    void heartbeatsTombstonesAndSchemaEnvelopesAreHandled() {
        assertThat(CdcChange.read("{\"serverName\":\"braid_shop\"}", "{\"ts_ms\":1764374400000}", JSON)).isEmpty();
        assertThat(CdcChange.read("{\"id\":7}", null, JSON)).isEmpty();
        String wrapped = "{\"schema\":{\"type\":\"struct\"},\"payload\":" + UPDATE + "}";
        assertThat(CdcChange.read("{\"id\":7}", wrapped, JSON).orElseThrow().op()).isEqualTo("update");
    }

    @Test
    void tableNamesAreQualifiedFoldedAndRefusedWhenTheyAreNotPlainIdentifiers() {
        assertThat(TableName.qualified("orders")).isEqualTo("public.orders");
        assertThat(TableName.qualified(" Sales.Orders ")).isEqualTo("sales.orders");
        assertThat(TableName.quoted("sales.orders")).isEqualTo("\"sales\".\"orders\"");
        assertThat(TableName.pattern("sales.orders")).isEqualTo("sales\\.orders");
        assertThatThrownBy(() -> TableName.qualified("public.orders; drop table x")).isInstanceOf(CdcSourceException.class)
                .hasMessageContaining("not a plain schema.table name");
    }

    @Test
    void slotAndPublicationNamesFollowTheConnection() {
        assertThat(CdcSource.objectName("embedded-db")).isEqualTo("braid_embedded_db");
        assertThat(CdcSource.objectName("x".repeat(80))).hasSize(63);
    }
}
