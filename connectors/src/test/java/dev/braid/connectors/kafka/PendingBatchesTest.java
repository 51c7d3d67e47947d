package dev.braid.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.SourceEvent;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.StringNode;

class PendingBatchesTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void fullBatchesAreTakenInMaxSizeSlicesAndTheRestWaitsForMaxWait() {
        PendingBatches batches = new PendingBatches(new TriggerSettings.Batch(10, Duration.ofSeconds(5), null));
        for (int i = 0; i < 25; i++) {
            batches.add(null, pending(P0, i, 0));
        }
        assertThat(batches.takeDue(SECOND, false)).extracting(g -> g.records().size()).containsExactly(10, 10);
        assertThat(batches.nanosUntilDue(SECOND)).isEqualTo(4 * SECOND);
        assertThat(batches.lowestWaiting()).isEqualTo(Map.of(P0, 20L));
        assertThat(batches.takeDue(5 * SECOND - 1, false)).isEmpty();
        assertThat(batches.takeDue(5 * SECOND, false)).extracting(g -> g.records().size()).containsExactly(5);
        assertThat(batches.isEmpty()).isTrue();
        assertThat(batches.nanosUntilDue(5 * SECOND)).isNull();
    }

    @Test
    void eachKeyValueHasItsOwnBatchAndClock() {
        PendingBatches batches = new PendingBatches(new TriggerSettings.Batch(100, Duration.ofSeconds(2), "trigger.body.store"));
        batches.add(StringNode.valueOf("north"), pending(P0, 1, 0));
        batches.add(StringNode.valueOf("south"), pending(P1, 7, SECOND));
        batches.add(StringNode.valueOf("north"), pending(P1, 8, SECOND));
        batches.add(null, pending(P0, 2, SECOND));
        batches.add(JsonNodeFactory.instance.nullNode(), pending(P0, 3, SECOND));

        assertThat(batches.lowestWaiting()).isEqualTo(Map.of(P0, 1L, P1, 7L));
        List<PendingBatches.Group> first = batches.takeDue(2 * SECOND, false);
        assertThat(first).hasSize(1);
        assertThat(first.getFirst().key().asString()).isEqualTo("north");
        assertThat(first.getFirst().records()).extracting(PendingBatches.Pending::offset).containsExactly(1L, 8L);
        List<PendingBatches.Group> rest = batches.takeDue(3 * SECOND, false);
        assertThat(rest).extracting(g -> g.records().size()).as("south, and one group for no key and a null key")
                .containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void whatIsLeftAfterAFullSliceWaitsFromItsOwnFirstEvent() {
        PendingBatches batches = new PendingBatches(new TriggerSettings.Batch(2, Duration.ofSeconds(5), null));
        batches.add(null, pending(P0, 0, 0));
        batches.add(null, pending(P0, 1, 0));
        batches.add(null, pending(P0, 2, 4 * SECOND));
        assertThat(batches.takeDue(4 * SECOND, false)).extracting(g -> g.records().size()).containsExactly(2);
        assertThat(batches.takeDue(6 * SECOND, false)).as("5 s after offset 0, but only 2 s after offset 2").isEmpty();
        assertThat(batches.nanosUntilDue(6 * SECOND)).isEqualTo(3 * SECOND);
        assertThat(batches.takeDue(9 * SECOND, false)).extracting(g -> g.records().size()).containsExactly(1);
    }

    @Test
    void takingEverythingEmptiesThePartialBatches() {
        PendingBatches batches = new PendingBatches(new TriggerSettings.Batch(10, Duration.ofMinutes(1), null));
        batches.add(null, pending(P0, 4, 0));
        assertThat(batches.takeDue(0, true)).hasSize(1);
        assertThat(batches.lowestWaiting()).isEmpty();
    }

    private static PendingBatches.Pending pending(TopicPartition partition, long offset, long arrivedAtNanos) {
        return new PendingBatches.Pending(partition, offset,
                SourceEvent.of(JsonNodeFactory.instance.objectNode().put("type", "kafka").put("offset", offset),
                        partition.topic() + "/" + partition.partition() + "/" + offset), arrivedAtNanos);
    }
}
