package dev.braid.connectors.kafka;

import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * The kafka connector without a broker: input and connection checks, the record it builds, dry runs,
 * and an unreachable cluster answered as a retryable failure before the step's deadline. Publishing to
 * a real broker is covered by the app's KafkaPublishIT against the embedded Kafka.
 */
class KafkaConnectorTest {

    private final KafkaConnector connector = new KafkaConnector();

    @AfterEach
    void close() {
        connector.close();
    }

    @Test
    void isFoundOnTheClassPathWithBothActions() {
        ConnectorRegistry registry = ConnectorRegistry.load();
        assertThat(registry.action("kafka.publish")).containsInstanceOf(KafkaPublishAction.class);
        assertThat(registry.action("kafka.publishAll")).containsInstanceOf(KafkaPublishAllAction.class);
    }

    @Test
    void aRecordCarriesItsKeyJsonValueHeadersAndTheStepsIdempotencyKey() throws ActionException {
        ProducerRecord<String, byte[]> record = KafkaRecords.record("orders",
                object("{key: 'A-1', value: {id: 1, tags: ['x']}, headers: {source: 'braid', 'Idempotency-Key': 'forged'}}"),
                "run-1/publish", "with");

        assertThat(record.topic()).isEqualTo("orders");
        assertThat(record.key()).isEqualTo("A-1");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"tags\":[\"x\"]}");
        assertThat(new String(record.headers().lastHeader("source").value(), StandardCharsets.UTF_8)).isEqualTo("braid");
        assertThat(record.headers().headers("Idempotency-Key")).hasSize(1);
        assertThat(new String(record.headers().lastHeader("Idempotency-Key").value(), StandardCharsets.UTF_8))
                .as("a header in the input cannot replace the step's key").isEqualTo("run-1/publish");
    }

    @Test
    void aKeyThatIsNotTextIsSentAsItsJson() throws ActionException {
        assertThat(KafkaRecords.record("t", object("{key: 42, value: 'v'}"), "k", "with").key()).isEqualTo("42");
        assertThat(KafkaRecords.record("t", object("{value: 'v'}"), "k", "with").key()).isNull();
    }

    @Test
    void withoutAConnectionTheStepFailsAtOnceNamingTheBuiltInOne() {
        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("publish")
                .execute(aContext().build(), object("{topic: 'orders', value: 1}")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("connection").contains("braid-kafka");
    }

    @Test
    void aHeaderThatIsNotAValueIsFatalAndNamed() {
        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("publishAll")
                .execute(aContext().connection(object("{bootstrapServers: '127.0.0.1:1'}")).build(),
                        object("{topic: 't', records: [{value: 1}, {value: 2, headers: {nested: {a: 1}}}]}")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("with.records[1].headers.nested");
    }

    @Test
    void anUnknownConnectionSettingIsRefused() {
        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("publish")
                .execute(aContext().connection(object("{bootstrapServers: '127.0.0.1:1', acks: 'all'}")).build(),
                        object("{topic: 't', value: 1}")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("acks");
    }

    @Test
    void aDryRunDescribesTheRecordsAndOpensNoProducer() throws ActionException {
        ActionResult result = connector.actions().get("publishAll").execute(
                aContext().dryRun(true).connection(object("{bootstrapServers: '127.0.0.1:1'}")).build(),
                object("{topic: 'audit', records: [{value: 1}, {value: 2}, {value: 3}]}"));

        assertThat(result.output()).isEqualTo(object("{topic: 'audit', dryRun: true, records: 3, messages: ["
                + "{key: null, value: 1, headers: {'Idempotency-Key': 'run-1/step/0'}}, "
                + "{key: null, value: 2, headers: {'Idempotency-Key': 'run-1/step/1'}}, "
                + "{key: null, value: 3, headers: {'Idempotency-Key': 'run-1/step/2'}}]}"));
        assertThat(connector.openProducers()).isZero();
    }

    @Test
    void anUnreachableClusterIsARetryableFailureWithinTheClientsBlockingBound() {
        Instant start = Instant.now();
        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("publish")
                .execute(aContext().timeLeft(Duration.ofSeconds(30))
                                .connection(object("{bootstrapServers: '127.0.0.1:1', properties: {'max.block.ms': 300}}")).build(),
                        object("{topic: 'orders', value: {id: 1}}")));

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo(KafkaFailure.RETRYABLE);
        assertThat(e.getMessage()).contains("orders");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
        assertThat(connector.openProducers()).isEqualTo(1);
    }

    @Test
    void tooManyRecordsAreRefusedBeforeAnythingIsSent() {
        StringBuilder records = new StringBuilder("[");
        for (int i = 0; i <= KafkaPublishAllAction.MAX_RECORDS; i++) {
            records.append(i == 0 ? "" : ",").append("{\"value\":").append(i).append('}');
        }
        ActionException e = catchThrowableOfType(ActionException.class, () -> connector.actions().get("publishAll")
                .execute(aContext().connection(object("{bootstrapServers: '127.0.0.1:1'}")).build(),
                        object("{topic: 't', records: " + records + "]}")));

        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("100000").contains("foreach");
        assertThat(connector.openProducers()).isZero();
    }
}
