package dev.braid.engine.run;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every pair of statuses against the table written out once more here, independently of
 * {@link Transitions}: the legal ones pass, every other one throws.
 */
class TransitionsTest {

    private static final Set<String> LEGAL_RUN = Set.of(
            "queued>running", "queued>cancelled",
            "running>succeeded", "running>failed", "running>retrying", "running>waiting", "running>queued", "running>cancelled",
            "retrying>running", "retrying>cancelled", "retrying>queued",
            "waiting>running", "waiting>queued", "waiting>cancelled", "waiting>failed",
            "failed>queued");

    private static final Set<String> LEGAL_STEP = Set.of(
            "pending>running", "pending>skipped", "pending>cancelled",
            "running>succeeded", "running>failed", "running>retrying", "running>waiting", "running>cancelled", "running>running",
            "retrying>running", "retrying>cancelled", "retrying>failed",
            "waiting>running", "waiting>cancelled", "waiting>failed",
            "failed>running");

    static Stream<Arguments> runPairs() {
        return Arrays.stream(RunStatus.values()).flatMap(from -> Arrays.stream(RunStatus.values())
                .map(to -> Arguments.of(from, to, LEGAL_RUN.contains(from.wire() + ">" + to.wire()))));
    }

    static Stream<Arguments> stepPairs() {
        return Arrays.stream(StepStatus.values()).flatMap(from -> Arrays.stream(StepStatus.values())
                .map(to -> Arguments.of(from, to, LEGAL_STEP.contains(from.wire() + ">" + to.wire()))));
    }

    @ParameterizedTest(name = "run {0} -> {1}: {2}")
    @MethodSource("runPairs")
    void runTransitions(RunStatus from, RunStatus to, boolean legal) {
        assertThat(Transitions.allowed(from, to)).isEqualTo(legal);
        if (legal) {
            assertThatCode(() -> Transitions.check(from, to)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> Transitions.check(from, to))
                    .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                        assertThat(e.from()).isEqualTo(from);
                        assertThat(e.to()).isEqualTo(to);
                        assertThat(e.getMessage()).contains("run", from.wire(), to.wire());
                    });
        }
    }

    @ParameterizedTest(name = "step {0} -> {1}: {2}")
    @MethodSource("stepPairs")
    void stepTransitions(StepStatus from, StepStatus to, boolean legal) {
        assertThat(Transitions.allowed(from, to)).isEqualTo(legal);
        if (legal) {
            assertThatCode(() -> Transitions.check(from, to)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> Transitions.check(from, to))
                    .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                        assertThat(e.from()).isEqualTo(from);
                        assertThat(e.to()).isEqualTo(to);
                        assertThat(e.getMessage()).contains("step", from.wire(), to.wire());
                    });
        }
    }

    @Test
    void finalStatusesHaveNoWayOutExceptAnOperatorRetryOfAFailure() {
        for (RunStatus s : RunStatus.values()) {
            if (s.terminal()) {
                assertThat(Transitions.next(s)).isEqualTo(s == RunStatus.FAILED ? Set.of(RunStatus.QUEUED) : Set.of());
            }
        }
        for (StepStatus s : StepStatus.values()) {
            if (s.terminal()) {
                assertThat(Transitions.next(s)).isEqualTo(s == StepStatus.FAILED ? Set.of(StepStatus.RUNNING) : Set.of());
            }
        }
    }

    @Test
    void theMessageSaysWhatIsAllowedInstead() {
        assertThatThrownBy(() -> Transitions.check(RunStatus.SUCCEEDED, RunStatus.RUNNING))
                .hasMessage("A run cannot go from succeeded to running; from succeeded it may only go to nothing (it is final)");
        assertThatThrownBy(() -> Transitions.check(StepStatus.PENDING, StepStatus.SUCCEEDED))
                .hasMessage("A step cannot go from pending to succeeded; from pending it may only go to running, skipped, cancelled");
    }

    @Test
    void theTableCannotBeChangedFromOutside() {
        assertThatThrownBy(() -> Transitions.next(RunStatus.QUEUED).add(RunStatus.SUCCEEDED))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
