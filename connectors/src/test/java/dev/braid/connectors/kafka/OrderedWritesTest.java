package dev.braid.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.RunLog;
import dev.braid.engine.spi.SourceEvent;
import dev.braid.engine.spi.TriggerContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The consumer's database side without a database: writes happen in the order handed over, the offsets a unit
 * carries become committable only after it and everything before it were stored, per-event records of units
 * that queued up meanwhile go in one call, and a failure stops everything after it.
 */
class OrderedWritesTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);

    @Test
    void offsetsBecomeCommittableOnlyAfterTheirUnitIsStoredAndQueuedPerEventRecordsShareOneCall() throws Exception {
        Recording context = new Recording();
        CountDownLatch release = new CountDownLatch(1);
        context.gate = release;
        try (OrderedWrites writes = new OrderedWrites(context, 3, "test-writer")) {
            writes.submit(unit(0, 500, 500));
            await().atMost(Duration.ofSeconds(5)).until(() -> context.calls.size() == 1);
            // while the first poll is being written, two more are read and handed over
            writes.submit(unit(500, 500, 1000));
            writes.submit(unit(1000, 500, 1500));
            assertThat(writes.stored()).as("nothing committable before the first write returned").isEmpty();
            release.countDown();
            writes.awaitIdle();

            assertThat(writes.stored()).containsEntry(P0, 1500L);
            assertThat(context.calls).extracting(List::size).as("the two queued polls in one call").containsExactly(500, 1000);
            assertThat(context.calls.stream().flatMap(List::stream).map(SourceEvent::naturalKey).toList())
                    .containsExactlyElementsOf(IntStream.range(0, 1500).mapToObj(i -> "orders/0/" + i).toList());
        }
    }

    @Test
    void batchesAndUnreadableRecordsKeepTheirPlaceBetweenPerEventRecords() {
        Recording context = new Recording();
        try (OrderedWrites writes = new OrderedWrites(context, 2, "test-writer")) {
            writes.submit(new OrderedWrites.Unit(List.of(
                    new OrderedWrites.Each(events(0, 2)),
                    new OrderedWrites.Unreadable("orders/0/2", "not JSON", JsonNodeFactory.instance.objectNode()),
                    new OrderedWrites.Each(events(3, 1)),
                    new OrderedWrites.Batch(JsonNodeFactory.instance.objectNode().put("type", "kafka"), events(4, 1000))),
                    Map.of(P0, 1004L)));
            writes.awaitIdle();
            assertThat(context.log).containsExactly("each 2", "unreadable orders/0/2", "each 1", "batch 1000");
            assertThat(writes.stored()).containsEntry(P0, 1004L);
        }
    }

    @Test
    void aFailedWriteKeepsItsOffsetsAndEverythingAfterItUncommittedAndIsReported() {
        Recording context = new Recording();
        context.failAt = 2;
        try (OrderedWrites writes = new OrderedWrites(context, 1, "test-writer")) {
            writes.submit(unit(0, 10, 10));
            writes.awaitIdle();
            assertThat(writes.stored()).containsEntry(P0, 10L);
            writes.submit(unit(10, 10, 20));
            assertThatThrownBy(writes::awaitIdle).hasMessageContaining("database unreachable");
            assertThatThrownBy(() -> writes.submit(unit(20, 10, 30))).hasMessageContaining("database unreachable");
            assertThatThrownBy(writes::stored).hasMessageContaining("database unreachable");
            assertThat(context.calls).as("the failed write was tried, the one after it never").hasSize(2);
        }
    }

    private static OrderedWrites.Unit unit(int from, int count, long safe) {
        return new OrderedWrites.Unit(List.of(new OrderedWrites.Each(events(from, count))), Map.of(P0, safe));
    }

    private static List<SourceEvent> events(int from, int count) {
        List<SourceEvent> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(SourceEvent.of(JsonNodeFactory.instance.objectNode().put("type", "kafka").put("offset", i), "orders/0/" + i));
        }
        return out;
    }

    /** A context that records what it is handed; it may hold the first write until released, or fail the n-th call. */
    private static final class Recording implements TriggerContext {
        final List<List<SourceEvent>> calls = Collections.synchronizedList(new ArrayList<>());
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch gate;
        volatile int failAt;

        @Override
        public void accept(List<SourceEvent> events) {
            calls.add(events);
            log.add("each " + events.size());
            if (calls.size() == failAt) {
                throw new IllegalStateException("database unreachable");
            }
            CountDownLatch g = gate;
            if (g != null) {
                gate = null;
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void accept(ObjectNode header, List<SourceEvent> events) {
            log.add("batch " + events.size());
        }

        @Override
        public void unreadable(String naturalKey, String message, JsonNode raw) {
            log.add("unreadable " + naturalKey);
        }

        @Override
        public String recipe() {
            return "orders";
        }

        @Override
        public int version() {
            return 1;
        }

        @Override
        public TriggerSettings settings() {
            throw new UnsupportedOperationException();
        }

        @Override
        public JsonNode connection() {
            return JsonNodeFactory.instance.objectNode();
        }

        @Override
        public JsonNode evaluateKey(String expression, JsonNode trigger) {
            return null;
        }

        @Override
        public Duration pollTimeout() {
            return Duration.ofMillis(100);
        }

        @Override
        public Duration retryDelay() {
            return Duration.ofMillis(100);
        }

        @Override
        public RunLog log() {
            return (level, message) -> { };
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    }
}
