package dev.braid.engine.run;

import java.time.Instant;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

import static dev.braid.engine.run.RunFixture.START;
import static dev.braid.engine.run.TestRecipes.action;
import static dev.braid.engine.run.TestRecipes.foreach;
import static dev.braid.engine.run.TestRecipes.ifStep;
import static dev.braid.engine.run.TestRecipes.json;
import static dev.braid.engine.run.TestRecipes.recipe;
import static dev.braid.engine.run.TestRecipes.stop;
import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoints and resume: what is durable when, what a resumed run reuses, dry run, idempotency keys. */
class RunExecutorResumeTest {

    private static final Instant EARLIER = START.minusSeconds(60);

    private final RunFixture f = new RunFixture();

    private static StepRecord record(String path, StepStatus status, int attempts, String output) {
        return new StepRecord(path, status, attempts, null, output == null ? null : json(output), null, EARLIER, EARLIER);
    }

    @Test
    void aSucceededSideEffectingStepIsNotCalledAgainAndLaterStepsSeeItsOutput() {
        f.journal.prefill(record("charge", StepStatus.SUCCEEDED, 1, "{'chargeId': 'ch_1'}"));

        RunOutcome outcome = f.run(recipe(
                action("charge", "t.call").build(),
                action("receipt", "t.transform").with("{'value': '{{ steps.charge.output.chargeId }}'}").build()));

        assertThat(f.connector.call.calls()).isZero();
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'value': 'ch_1'}")));
        assertThat(f.journal.paths()).containsExactly("receipt");
    }

    @Test
    void aRetryingRecordContinuesTheAttemptCount() {
        f.journal.prefill(record("push", StepStatus.RETRYING, 2, null));

        f.run(recipe(action("push", "t.call").build()));

        assertThat(f.connector.call.lastContext().attempt()).isEqualTo(3);
        assertThat(f.journal.latest("push").attempts()).isEqualTo(3);
        assertThat(f.journal.sequence()).containsExactly("push:running:durable", "push:succeeded:durable");
    }

    @Test
    void aStepLeftRunningByACrashIsCalledAgainWithTheSameIdempotencyKey() {
        f.journal.prefill(record("lines", StepStatus.RUNNING, 1, null));
        f.journal.prefill(record("lines[0].push", StepStatus.RUNNING, 1, null));
        f.body("{'items': [1]}");

        f.run(recipe(foreach("lines", "trigger.body.items", action("push", "t.call").build())));

        assertThat(f.connector.call.calls()).isEqualTo(1);
        assertThat(f.connector.call.lastContext().attempt()).isEqualTo(2);
        assertThat(f.connector.call.lastContext().idempotencyKey()).isEqualTo("run-1/lines[0].push");
    }

    @Test
    void aFailedStepRunsAgainOnAnOperatorRetry() {
        f.journal.prefill(record("push", StepStatus.FAILED, 3, null));

        RunOutcome outcome = f.run(recipe(action("push", "t.call").build()));

        assertThat(outcome).isInstanceOf(RunOutcome.Succeeded.class);
        assertThat(f.connector.call.lastContext().attempt()).isEqualTo(4);
    }

    @Test
    void aForeachIsWalkedAgainAndOnlyUnfinishedIterationsRun() {
        f.journal.prefill(new StepRecord("lines", StepStatus.RETRYING, 1, json("{'items': 3}"), null, null, EARLIER, EARLIER));
        f.journal.prefill(record("lines[0].push", StepStatus.SUCCEEDED, 1, "{'done': 0}"));
        f.journal.prefill(record("lines[1].push", StepStatus.SUCCEEDED, 1, "{'done': 1}"));
        f.journal.prefill(record("lines[2].push", StepStatus.RETRYING, 1, null));
        f.body("{'items': ['a', 'b', 'c']}");

        RunOutcome outcome = f.run(recipe(foreach("lines", "trigger.body.items",
                action("push", "t.call").with("{'sku': '{{ item }}'}").build())));

        assertThat(f.connector.call.inputs()).containsExactly(json("{'sku': 'c'}"));
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json(
                "[{'done': 0}, {'done': 1}, {'call': 1, 'input': {'sku': 'c'}}]")));
        assertThat(f.journal.latest("lines").attempts()).isEqualTo(2);
    }

    @Test
    void aFinishedForeachIsWalkedAgainWithoutRecordingItAgain() {
        f.journal.prefill(record("lines", StepStatus.SUCCEEDED, 1, "[{'done': 0}]"));
        f.journal.prefill(record("lines[0].push", StepStatus.SUCCEEDED, 1, "{'done': 0}"));
        f.body("{'items': ['a']}");

        RunOutcome outcome = f.run(recipe(
                foreach("lines", "trigger.body.items", action("push", "t.call").build()),
                action("after", "t.transform").with("{'value': '{{ steps.lines.output }}'}").build()));

        assertThat(f.connector.call.calls()).isZero();
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'value': [{'done': 0}]}")));
        assertThat(f.journal.paths()).containsExactly("after");
    }

    @Test
    void anIfTakesTheRecordedBranchEvenIfTheConditionWouldNowDifferently() {
        f.journal.prefill(new StepRecord("big", StepStatus.RUNNING, 1, json("{'condition': 'trigger.body.amount > 1000'}"),
                json("{'branch': 'else', 'result': false}"), null, EARLIER, null));
        f.body("{'amount': 5000}");

        RunOutcome outcome = f.run(recipe(ifStep("big", "trigger.body.amount > 1000",
                java.util.List.of(action("alert", "t.call").build()),
                java.util.List.of(action("note", "t.transform").with("{'value': 'small'}").build()))));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'branch': 'else', 'result': false}")));
        assertThat(f.connector.call.calls()).isZero();
        assertThat(f.journal.latest("big.note").output()).isEqualTo(json("{'value': 'small'}"));
    }

    @Test
    void aFailureThatTheRunContinuedPastIsNotRepeated() {
        f.journal.prefill(new StepRecord("publish", StepStatus.FAILED, 1, null,
                json("{'error': {'type': 'test.rejected', 'message': 'no'}}"), new StepError("test.rejected", "no", false), EARLIER, EARLIER));

        RunOutcome outcome = f.run(recipe(
                action("publish", "t.call").continueOnError().build(),
                action("after", "t.transform").with("{'value': '{{ steps.publish.output.error.message }}'}").build()));

        assertThat(f.connector.call.calls()).isZero();
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'value': 'no'}")));
    }

    @Test
    void aRecordedStopEndsTheResumedRunWithItsOutput() {
        f.journal.prefill(record("done", StepStatus.SUCCEEDED, 1, "{'total': 3}"));

        RunOutcome outcome = f.run(recipe(stop("done", "{'total': 99}"), action("never", "t.call").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'total': 3}")));
        assertThat(f.connector.call.calls()).isZero();
    }

    @Test
    void sideEffectsAreDurableAndPureStepsAreKeptBack() {
        f.body("{'items': [1], 'amount': 5}");

        f.run(recipe(
                action("shape", "t.transform").with("{'value': 1}").build(),
                ifStep("big", "trigger.body.amount > 1", action("note", "t.log").with("{'message': 'hi'}").build()),
                foreach("lines", "trigger.body.items", action("push", "t.call").build()),
                action("send", "t.call").build()));

        assertThat(f.journal.sequence()).containsExactly(
                "shape:succeeded",
                "big:running",
                "big.note:succeeded",
                "big:succeeded",
                "lines:running",
                "lines[0].push:running:durable",
                "lines[0].push:succeeded:durable",
                "lines:running", // its progress: 1 of 1 done
                "lines:succeeded",
                "send:running:durable",
                "send:succeeded:durable");
    }

    @Test
    void recordsCarryInputOutputAttemptsAndTimes() {
        f.connector.with("tick", new TestConnector.PureAction(input -> {
            f.clock.advance(java.time.Duration.ofMillis(250));
            return input;
        }));

        f.run(recipe(action("a", "t.tick").with("{'x': 1}").build()));

        assertThat(f.journal.latest("a")).isEqualTo(new StepRecord("a", StepStatus.SUCCEEDED, 1, json("{'x': 1}"),
                json("{'x': 1}"), null, START, START.plusMillis(250)));
    }

    @Test
    void aDryRunDescribesSideEffectsAndRunsPureSteps() {
        f.dryRun = true;

        RunOutcome outcome = f.run(recipe(
                action("shape", "t.transform").with("{'value': 21}").build(),
                action("push", "t.call").with("{'n': '{{ steps.shape.output.value * 2 }}'}").build()));

        assertThat(f.connector.call.calls()).isZero();
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'dryRun': true, 'action': 't.call', 'input': {'n': 42}}")));
        assertThat(f.journal.latest("shape").output()).isEqualTo(json("{'value': 21}"));
        assertThat(f.journal.sequence()).containsExactly("shape:succeeded", "push:succeeded");
    }

    @Test
    void aDryRunAsksAnActionThatDescribesItselfWhatItWouldSend() {
        f.dryRun = true;
        List<ActionContext> asked = new java.util.ArrayList<>();
        f.connector.with("send", new Action() {
            @Override
            public JsonNode inputSchema() {
                return json("{'type': 'object'}");
            }

            @Override
            public boolean describesDryRun() {
                return true;
            }

            @Override
            public ActionResult execute(ActionContext ctx, JsonNode input) {
                asked.add(ctx);
                return ActionResult.of(json("{'dryRun': true, 'url': 'https://crm.example/c/' , 'n': " + input.path("n") + "}"));
            }
        });

        RunOutcome outcome = f.run(recipe(action("push", "t.send").with("{'n': 42}").build()));

        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst().dryRun()).isTrue();
        assertThat(asked.getFirst().idempotencyKey()).isEqualTo("run-1/push");
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'dryRun': true, 'action': 't.send', 'input': {'n': 42}, "
                + "'request': {'url': 'https://crm.example/c/', 'n': 42}}")));
        assertThat(f.journal.sequence()).containsExactly("push:succeeded");
    }

    @Test
    void theStepIdempotencyKeyIsRunIdSlashPath() {
        f.body("{'items': [1, 2, 3]}");

        f.run(recipe(foreach("lines", "trigger.body.items", action("reserve", "t.call").build())));

        assertThat(f.connector.call.contexts()).extracting(c -> c.idempotencyKey())
                .containsExactly("run-1/lines[0].reserve", "run-1/lines[1].reserve", "run-1/lines[2].reserve");
        assertThat(f.connector.call.contexts()).allSatisfy(c -> {
            assertThat(c.runId()).isEqualTo("run-1");
            assertThat(c.dryRun()).isFalse();
            assertThat(c.clock()).isSameAs(f.clock);
        });
    }
}
