package dev.braid.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.engine.model.Step;

/** Step paths of dead letters looked up in a recipe version's steps (resume-from-failed-step check). */
class RedriveTest {

    private static Step action(String id) {
        return new Step.ActionStep(id, "http.request", null, null, null, null, false);
    }

    private static final List<Step> STEPS = List.of(
            action("fetch"),
            new Step.ForeachStep("lines", "trigger.body.lines", null, 0, 1, List.of(action("reserve"))),
            new Step.IfStep("check", "true", List.of(action("notify")), List.of(action("skip"))));

    @Test
    void aPathWithIndexesMapsToTheStepIdChain() {
        assertThat(Redrive.hasStep(STEPS, "fetch")).isTrue();
        assertThat(Redrive.hasStep(STEPS, "lines[2].reserve")).isTrue();
        assertThat(Redrive.hasStep(STEPS, "lines[2].release")).isFalse();
        assertThat(Redrive.hasStep(STEPS, "reserve")).isFalse();
        assertThat(Redrive.hasStep(STEPS, "gone")).isFalse();
    }

    @Test
    void branchesOfAnIfAreFollowedWithOrWithoutTheirName() {
        assertThat(Redrive.hasStep(STEPS, "check.then.notify")).isTrue();
        assertThat(Redrive.hasStep(STEPS, "check.else.skip")).isTrue();
        assertThat(Redrive.hasStep(STEPS, "check.notify")).isTrue();
        assertThat(Redrive.hasStep(STEPS, "check.then.skip")).isFalse();
    }
}
