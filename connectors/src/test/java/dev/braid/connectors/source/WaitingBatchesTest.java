package dev.braid.connectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.node.StringNode;

class WaitingBatchesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void fullBatchesAreDueInMaxSizeSlicesAndTheRestAtMaxWait() {
        WaitingBatches<Integer> batches = new WaitingBatches<>(new TriggerSettings.Batch(500, Duration.ofSeconds(5), null));
        for (int i = 0; i < 1_200; i++) {
            batches.add(null, i, 0);
        }

        List<WaitingBatches.Group<Integer>> due = batches.takeDue(SECOND, false);

        assertThat(due).extracting(g -> g.messages().size()).containsExactly(500, 500);
        assertThat(due.get(1).messages().getFirst()).isEqualTo(500);
        assertThat(batches.size()).isEqualTo(200);
        assertThat(batches.nanosUntilDue(SECOND)).as("the rest waits from when the slices were taken").isEqualTo(5 * SECOND);
        assertThat(batches.takeDue(5 * SECOND, false)).isEmpty();
        assertThat(batches.takeDue(6 * SECOND, false)).singleElement().satisfies(g -> assertThat(g.messages()).hasSize(200));
        assertThat(batches.size()).isZero();
        assertThat(batches.nanosUntilDue(6 * SECOND)).isNull();
    }

    @Test
    void eachKeyHasItsOwnBatchAndAllTakesEverything() {
        WaitingBatches<Integer> batches = new WaitingBatches<>(new TriggerSettings.Batch(10, Duration.ofSeconds(5), "k"));
        batches.add(StringNode.valueOf("north"), 1, 0);
        batches.add(StringNode.valueOf("south"), 2, 0);
        batches.add(StringNode.valueOf("north"), 3, 0);
        batches.add(null, 4, 0);

        List<WaitingBatches.Group<Integer>> due = batches.takeDue(0, true);

        assertThat(due).extracting(g -> g.messages()).containsExactly(List.of(1, 3), List.of(2), List.of(4));
        assertThat(due.getFirst().key().asString()).isEqualTo("north");
        assertThat(batches.size()).isZero();
    }
}
