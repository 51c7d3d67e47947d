package dev.braid.engine.run;

import static dev.braid.engine.run.RunFixture.START;
import static dev.braid.engine.run.TestRecipes.action;
import static dev.braid.engine.run.TestRecipes.json;
import static dev.braid.engine.run.TestRecipes.recipe;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Step;

/** Waiting without a thread: durable delays, connection guard deferrals and {@code call:} steps. */
class RunExecutorWaitTest {

    private final RunFixture f = new RunFixture();

    @Test
    void anActionThatAsksToWaitParksTheRunAndIsCalledAgainWithItsStateInTheSameAttempt() {
        Recipe recipe = recipe(action("pause", "t.wait").build(), action("after", "t.call").build());

        RunOutcome first = f.run(recipe);

        assertThat(first).isEqualTo(new RunOutcome.Waiting("pause", "delay", START.plusSeconds(5), null));
        assertThat(f.journal.sequence()).containsExactly("pause:running:durable", "pause:waiting:durable");
        assertThat(f.journal.latest("pause").attempts()).isEqualTo(1);
        assertThat(f.connector.call.calls()).isZero();

        f.clock.advance(Duration.ofSeconds(5));
        RunOutcome second = f.run(recipe);

        assertThat(second).isInstanceOf(RunOutcome.Succeeded.class);
        assertThat(f.journal.latest("pause").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(f.journal.latest("pause").attempts()).isEqualTo(1);
        assertThat(f.journal.latest("pause").output()).isEqualTo(json("{'waitedUntil': '2025-03-01T10:00:05Z'}"));
        assertThat(f.connector.call.calls()).isEqualTo(1);
    }

    @Test
    void aWakeUpBeforeTheTimeParksTheRunAgainUntilTheSameTime() {
        Recipe recipe = recipe(action("pause", "t.wait").build());
        f.run(recipe);
        f.clock.advance(Duration.ofSeconds(2));

        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Waiting("pause", "delay", START.plusSeconds(5), null));
    }

    @Test
    void aDeferredConnectionParksTheStepWithoutSpendingAnAttempt() {
        f.connections.put("crm", json("{}"));
        Instant halfOpen = START.plusSeconds(30);
        f.guards = name -> new ConnectionGuards.Admission.Deferred(halfOpen, "circuit", name + " is open");
        f.journal.prefill(new StepRecord("push", StepStatus.RETRYING, 2, null, null,
                new StepError("test.unavailable", "target unavailable", true), START, START));
        Recipe recipe = recipe(action("push", "t.call").connection("crm").build());

        RunOutcome outcome = f.run(recipe);

        assertThat(outcome).isEqualTo(new RunOutcome.Waiting("push", "circuit", halfOpen, null));
        assertThat(f.connector.call.calls()).isZero();
        StepRecord parked = f.journal.latest("push");
        assertThat(parked.status()).isEqualTo(StepStatus.WAITING);
        assertThat(parked.attempts()).isEqualTo(2);
        assertThat(parked.output().get("waitingFor").asString()).isEqualTo("circuit");
        assertThat(parked.output().get("detail").asString()).isEqualTo("crm is open");

        Tickets tickets = new Tickets();
        f.guards = name -> new ConnectionGuards.Admission.Granted(tickets);
        f.run(recipe);

        assertThat(f.connector.call.lastContext().attempt()).isEqualTo(3);
        assertThat(f.connector.call.lastContext().resumedState()).isEmpty();
        assertThat(tickets.outcomes).containsExactly("succeeded");
    }

    @Test
    void aGrantedCallReportsRetryableFailuresToItsTicket() {
        f.connections.put("crm", json("{}"));
        Tickets tickets = new Tickets();
        f.guards = name -> new ConnectionGuards.Admission.Granted(tickets);
        f.connector.call.failRetryably(1);

        f.run(recipe(action("push", "t.call").connection("crm").build()));

        assertThat(tickets.outcomes).containsExactly("failed:test.unavailable");
    }

    @Test
    void stepsWithoutAConnectionAreNotGuarded() {
        f.guards = name -> {
            throw new AssertionError("no connection, no guard");
        };

        assertThat(f.run(recipe(action("push", "t.call").build()))).isInstanceOf(RunOutcome.Succeeded.class);
    }

    @Test
    void aCallParksTheRunWithTheChildToStartAndItsRenderedBody() {
        Children children = new Children();
        f.calls = children;
        f.body("{'order': 7}");

        RunOutcome outcome = f.run(recipe(call("sub", "{'id': '{{ trigger.body.order }}'}", false)));

        assertThat(outcome).isEqualTo(new RunOutcome.Waiting("sub", "call", null,
                new RunOutcome.Call("child-1", "child-recipe", json("{'id': 7}"))));
        StepRecord parked = f.journal.latest("sub");
        assertThat(parked.status()).isEqualTo(StepStatus.WAITING);
        assertThat(parked.output()).isEqualTo(json("{'runId': 'child-1', 'recipe': 'child-recipe'}"));
        assertThat(f.journal.sequence()).containsExactly("sub:waiting:durable");
    }

    @Test
    void aResumedCallWhoseChildHasNotEndedParksAgainWithTheSameChild() {
        Children children = new Children();
        f.calls = children;
        Recipe recipe = recipe(call("sub", "{'id': 1}", false));
        f.run(recipe);

        RunOutcome again = f.run(recipe);

        assertThat(again).isEqualTo(new RunOutcome.Waiting("sub", "call", null,
                new RunOutcome.Call("child-1", "child-recipe", json("{'id': 1}"))));
        assertThat(children.issued).isEqualTo(1);
    }

    @Test
    void theChildsOutputIsTheStepsOutput() {
        Children children = new Children();
        f.calls = children;
        Recipe recipe = recipe(call("sub", "{'id': 1}", false),
                action("use", "t.transform").with("{'value': '{{ steps.sub.output.total }}'}").build());
        f.run(recipe);
        children.result = Optional.of(new ChildRuns.ChildResult(true, json("{'total': 42}"), null));

        RunOutcome outcome = f.run(recipe);

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'value': 42}")));
        assertThat(f.journal.latest("sub").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void theChildsFailureFailsTheStepAndTheRun() {
        Children children = new Children();
        f.calls = children;
        Recipe recipe = recipe(call("sub", "{}", false));
        f.run(recipe);
        children.result = Optional.of(new ChildRuns.ChildResult(false, null,
                new StepError("http.status", "HTTP 500", false)));

        RunOutcome outcome = f.run(recipe);

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> {
            assertThat(failed.stepPath()).isEqualTo("sub");
            assertThat(failed.error().type()).isEqualTo("call.failed");
            assertThat(failed.error().message()).contains("child-1").contains("http.status").contains("HTTP 500");
            assertThat(failed.error().retryable()).isFalse();
        });
    }

    @Test
    void onErrorContinueLetsTheRunGoOnPastAFailedChild() {
        Children children = new Children();
        f.calls = children;
        Recipe recipe = recipe(call("sub", "{}", true),
                action("use", "t.transform").with("{'value': '{{ steps.sub.output.error.type }}'}").build());
        f.run(recipe);
        children.result = Optional.of(new ChildRuns.ChildResult(false, null, new StepError("x", "y", false)));

        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Succeeded(json("{'value': 'call.failed'}")));
    }

    @Test
    void aCallWithATimeoutWakesAtItsDeadlineAndThenAbandonsTheChildAndFails() {
        Children children = new Children();
        f.calls = children;
        Recipe recipe = recipe(new Step.CallStep("sub", "child-recipe", json("{}"), Duration.ofSeconds(10), false));
        Instant deadline = f.clock.instant().plusSeconds(10);

        RunOutcome parked = f.run(recipe);
        f.clock.advance(Duration.ofSeconds(4));
        RunOutcome early = f.run(recipe);
        f.clock.advance(Duration.ofSeconds(6));
        RunOutcome late = f.run(recipe);

        RunOutcome.Waiting waiting = new RunOutcome.Waiting("sub", "call", deadline,
                new RunOutcome.Call("child-1", "child-recipe", json("{}")));
        assertThat(parked).isEqualTo(waiting);
        assertThat(early).as("woken before the deadline: wait on, same deadline").isEqualTo(waiting);
        assertThat(children.abandoned).containsExactly("child-1");
        assertThat(late).isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> {
            assertThat(failed.error().type()).isEqualTo("call.timeout");
            assertThat(failed.error().message()).contains("child-1").contains("10s");
            assertThat(failed.error().retryable()).isFalse();
        });
    }

    @Test
    void aChildThatEndsBeforeTheDeadlineIsNotAbandoned() {
        Children children = new Children();
        f.calls = children;
        Recipe recipe = recipe(new Step.CallStep("sub", "child-recipe", json("{}"), Duration.ofSeconds(10), false));
        f.run(recipe);
        f.clock.advance(Duration.ofSeconds(30));
        children.result = Optional.of(new ChildRuns.ChildResult(true, json("{'ok': true}"), null));

        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Succeeded(json("{'ok': true}")));
        assertThat(children.abandoned).isEmpty();
    }

    @Test
    void aRefusedCallFailsTheStepAtOnceAndStartsNothing() {
        RunOutcome outcome = f.run(recipe(call("sub", "{}", false)));

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> {
            assertThat(failed.error().type()).isEqualTo("call.refused");
            assertThat(failed.error().message()).contains("child-recipe").contains("not available");
        });
    }

    private static Step.CallStep call(String id, String withJson, boolean continueOnError) {
        return new Step.CallStep(id, "child-recipe", json(withJson), null, continueOnError);
    }

    private static final class Tickets implements ConnectionGuards.Ticket {
        final List<String> outcomes = new ArrayList<>();

        @Override
        public void succeeded() {
            outcomes.add("succeeded");
        }

        @Override
        public void failed(StepError error) {
            outcomes.add("failed:" + error.type());
        }
    }

    private static final class Children implements ChildRuns {
        int issued;
        Optional<ChildResult> result = Optional.empty();
        final List<String> abandoned = new ArrayList<>();

        @Override
        public void abandon(String runId) {
            abandoned.add(runId);
        }

        @Override
        public Optional<String> refusal(String recipe) {
            return Optional.empty();
        }

        @Override
        public String newRunId() {
            return "child-" + (++issued);
        }

        @Override
        public Optional<ChildResult> result(String runId) {
            assertThat(runId).isEqualTo("child-1");
            return result;
        }
    }

}
