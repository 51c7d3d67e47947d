package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.JsonNode;

/** The counting rule of poison runs and what their error says, without a database. */
class LeaseExpiriesTest {

    @Test
    void onlyAFinishedStepIsProgressNotTheRunningRecordWrittenBeforeTheCallThatMayKillTheNode() {
        assertThat(LeaseExpiries.progress(List.of())).isFalse();
        assertThat(LeaseExpiries.progress(List.of(record("send", StepStatus.RUNNING)))).isFalse();
        assertThat(LeaseExpiries.progress(List.of(record("send", StepStatus.RETRYING)))).isFalse();
        assertThat(LeaseExpiries.progress(List.of(record("pause", StepStatus.WAITING)))).isFalse();
        for (StepStatus finished : List.of(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.CANCELLED)) {
            assertThat(LeaseExpiries.progress(List.of(record("send", finished)))).as(finished.wire()).isTrue();
        }
        // Pure steps kept back ride with the next side-effecting step's running record: they finished.
        assertThat(LeaseExpiries.progress(List.of(record("prepare", StepStatus.SUCCEEDED), record("send", StepStatus.RUNNING))))
                .isTrue();
    }

    @Test
    void theRunIsGivenUpAtThePoisonAfterthExpiryInARow() {
        assertThat(LeaseExpiries.poisoned(0, 3)).isFalse();
        assertThat(LeaseExpiries.poisoned(1, 3)).isFalse();
        assertThat(LeaseExpiries.poisoned(2, 3)).as("the third expiry").isTrue();
        assertThat(LeaseExpiries.poisoned(0, 1)).as("poison-after 1: the first expiry").isTrue();
        assertThat(LeaseExpiries.poisoned(9, 10)).isTrue();
        assertThat(LeaseExpiries.poisoned(8, 10)).isFalse();
    }

    @Test
    void theErrorSaysHowManyExpiriesWhichNodesAndWhichStep() {
        LeaseExpiries.Poisoned run = new LeaseExpiries.Poisoned(UUID.randomUUID(), "orders", "b:2", 2, List.of("a:1", "b:2"),
                "charge", "{}");
        JsonNode error = run.error();
        assertThat(error.path("type").asString()).isEqualTo("run.poison");
        assertThat(error.path("leaseExpiries").asInt()).isEqualTo(3);
        assertThat(error.path("step").asString()).isEqualTo("charge");
        assertThat(error.path("nodes").valueStream().map(JsonNode::asString).toList()).containsExactly("a:1", "b:2", "b:2");
        assertThat(error.path("message").asString())
                .startsWith("Given up after 3 lease expiries in a row without a step finishing")
                .contains("in step 'charge'").contains("(nodes a:1, b:2)").contains("retry the run or replay this dead letter");
    }

    @Test
    void aRunThatDiedOutsideAnySideEffectingStepSaysSoAndTheHolderListStaysBounded() {
        List<String> many = java.util.stream.IntStream.range(0, 30).mapToObj(i -> "n:" + i).toList();
        LeaseExpiries.Poisoned run = new LeaseExpiries.Poisoned(UUID.randomUUID(), "orders", "n:30", 30, many, null, "{}");
        JsonNode error = run.error();
        assertThat(error.has("step")).isFalse();
        assertThat(error.path("message").asString()).contains("before any side-effecting step started");
        assertThat(error.path("nodes")).hasSize(LeaseExpiries.HOLDERS_KEPT);
        assertThat(error.path("nodes").get(LeaseExpiries.HOLDERS_KEPT - 1).asString()).isEqualTo("n:30");
    }

    private static StepStore.SeqRecord record(String path, StepStatus status) {
        Instant now = Instant.now();
        return new StepStore.SeqRecord(0, new StepRecord(path, status, 1, null, null, null, now, status.terminal() ? now : null));
    }
}
