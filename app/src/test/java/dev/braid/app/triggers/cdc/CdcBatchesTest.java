package dev.braid.app.triggers.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.app.ingest.TriggerEvent;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.StringNode;

/** Which changes go into which batch run, and which records may be marked processed (never past a waiting change). */
class CdcBatchesTest {

    private static final long SECOND = 1_000_000_000L;

    private final CdcIngress.Route route = new CdcIngress.Route("copy", 1, null, new TriggerSettings.Cdc("db", List.of("public.orders"),
            EnumSet.allOf(TriggerSettings.Cdc.Operation.class), false, null, new TriggerSettings.Batch(500, Duration.ofSeconds(2), null)));
    private final CdcBatches<String> batches = new CdcBatches<>();
    private final List<List<Integer>> written = new ArrayList<>();

    @Test
    void fullBatchesAreWrittenInMaxSizeSlicesAndTheRestAfterMaxWaitInCommitOrder() {
        for (int i = 0; i < 1_250; i++) {
            batches.read("r" + i);
            batches.add(route, null, event(i), 0);
        }
        batches.flushDue(SECOND, this::write);
        assertThat(written).extracting(List::size).containsExactly(500, 500);
        assertThat(batches.waiting()).isEqualTo(250);
        // Records up to the first change still waiting may be marked; not one further.
        List<String> markable = batches.markable();
        assertThat(markable).hasSize(1_000).startsWith("r0").endsWith("r999");
        assertThat(batches.markable()).isEmpty();

        batches.flushDue(2 * SECOND, this::write);
        assertThat(written).extracting(List::size).containsExactly(500, 500, 250);
        assertThat(written.stream().flatMap(List::stream).toList()).isSorted().hasSize(1_250).doesNotHaveDuplicates();
        assertThat(batches.markable()).hasSize(250).startsWith("r1000");
        assertThat(batches.waiting()).isZero();
    }

    @Test
    void aRecordWithAChangeInAnOtherKeysBatchWaitsForThatBatchAndHoldsBackTheRecordsAfterIt() {
        batches.read("a");
        batches.add(route, new StringNode("x"), event(1), 0);
        batches.read("heartbeat"); // a record without a change for a batch
        batches.read("b");
        batches.add(route, new StringNode("y"), event(2), SECOND);
        batches.flushDue(2 * SECOND, this::write); // x is due, y is not
        assertThat(written).containsExactly(List.of(1));
        assertThat(batches.markable()).containsExactly("a", "heartbeat");
        batches.flushDue(3 * SECOND, this::write);
        assertThat(batches.markable()).containsExactly("b");
    }

    @Test
    void aBatchThatCouldNotBeWrittenStaysAndItsRecordsAreNotMarked() {
        batches.read("a");
        batches.add(route, null, event(1), 0);
        assertThatThrownBy(() -> batches.flushDue(3 * SECOND, (r, k, events) -> {
            throw new IllegalStateException("database down");
        })).hasMessage("database down");
        assertThat(batches.markable()).isEmpty();
        assertThat(batches.waiting()).isEqualTo(1);
        batches.flushDue(3 * SECOND, this::write);
        assertThat(written).containsExactly(List.of(1));
        assertThat(batches.markable()).containsExactly("a");
    }

    private void write(CdcIngress.Route r, tools.jackson.databind.JsonNode key, List<TriggerEvent> events) {
        written.add(events.stream().map(e -> e.body().path("n").asInt()).toList());
    }

    private static TriggerEvent event(int n) {
        var context = JsonNodeFactory.instance.objectNode().put("type", "cdc");
        context.putObject("body").put("n", n);
        return TriggerEvent.of(context, "cdc:" + n);
    }
}
