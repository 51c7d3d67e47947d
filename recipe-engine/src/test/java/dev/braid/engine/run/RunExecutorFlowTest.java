package dev.braid.engine.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

import static dev.braid.engine.run.TestRecipes.action;
import static dev.braid.engine.run.TestRecipes.fail;
import static dev.braid.engine.run.TestRecipes.foreach;
import static dev.braid.engine.run.TestRecipes.ifStep;
import static dev.braid.engine.run.TestRecipes.json;
import static dev.braid.engine.run.TestRecipes.recipe;
import static dev.braid.engine.run.TestRecipes.stop;
import static org.assertj.core.api.Assertions.assertThat;

/** How steps run and see each other: context, paths, if, foreach, stop, fail, the run's output. */
class RunExecutorFlowTest {

    private final RunFixture f = new RunFixture();

    @Test
    void dataFlowsFromTransformThroughIfToLog() {
        f.body("{'id': 7, 'amount': 1500}");
        RunOutcome outcome = f.run(recipe(
                action("double", "t.transform").with("{'value': '{{ trigger.body.amount * 2 }}'}").build(),
                ifStep("big", "steps.double.output.value > 2000",
                        action("alert", "t.log").with("{'message': 'Order {{ trigger.body.id }} is big: {{ steps.double.output.value }}'}").build()),
                action("summary", "t.transform").with("{'value': {'logged': '{{ steps.alert.output.logged }}', 'branch': '{{ steps.big.output.branch }}'}}").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json(
                "{'value': {'logged': 'Order 7 is big: 3000', 'branch': 'then'}}")));
        assertThat(f.journal.latest("double").output()).isEqualTo(json("{'value': 3000}"));
        assertThat(f.logs).containsExactly(new RunFixture.LogLine("big.alert", RunLog.Level.INFO, "Order 7 is big: 3000"));
    }

    @Test
    void contextHoldsRunInfoAndSecrets() {
        f.secrets = json("{'TOKEN': 's3cret'}");
        f.attempt = 2;
        RunOutcome outcome = f.run(recipe(action("a", "t.transform")
                .with("{'value': {'run': '{{ run }}', 'auth': 'Bearer {{ secrets.TOKEN }}', 'type': '{{ trigger.type }}'}}").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json(
                "{'value': {'run': {'id': 'run-1', 'recipe': 'test-recipe', 'attempt': 2}, 'auth': 'Bearer s3cret', 'type': 'manual'}}")));
    }

    /** One recipe over {@code trigger.events}: a per-event run sees its own event as a one-element batch. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {'type': 'kafka', 'body': {'amount': 5}, 'key': 'a'}                                                  | 5  | 1
            {'type': 'kafka', 'events': [{'body': {'amount': 5}}, {'body': {'amount': 7}}, {'body': {'amount': 1}}]} | 13 | 3
            """)
    void triggerEventsIsThereForPerEventAndBatchRuns(String trigger, int total, int count) {
        f.trigger(trigger);
        RunOutcome outcome = f.run(recipe(action("sum", "t.transform")
                .with("{'value': {'total': '{{ $sum(trigger.events.body.amount) }}', 'count': '{{ $count(trigger.events) }}'}}").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json(
                "{'value': {'total': " + total + ", 'count': " + count + "}}")));
    }

    @Test
    void aPerEventRunsOwnEventIsTheFirstOfItsEventsAndTheStoredTriggerIsUntouched() {
        f.trigger("{'type': 'webhook', 'body': {'id': 9}, 'headers': {'x-a': '1'}}");
        JsonNode stored = f.trigger.deepCopy();
        RunOutcome outcome = f.run(recipe(action("e", "t.transform")
                .with("{'value': '{{ trigger.events[0] }}'}").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json(
                "{'value': {'type': 'webhook', 'body': {'id': 9}, 'headers': {'x-a': '1'}}}")));
        assertThat(f.trigger).isEqualTo(stored);
    }

    @Test
    void stepPathsComposeThroughIfAndForeach() {
        f.body("{'amount': 5000, 'items': [{'qty': 1}, {'qty': 0}, {'qty': 3}]}");
        f.run(recipe(
                ifStep("big", "trigger.body.amount > 1000", action("alert", "t.call").build()),
                foreach("lines", "trigger.body.items",
                        action("reserve", "t.call").with("{'qty': '{{ item.qty }}'}").build(),
                        ifStep("check", "item.qty > 2", action("alert2", "t.call").build()))));

        assertThat(f.journal.paths()).containsExactly(
                "big", "big.alert", "lines",
                "lines[0].reserve", "lines[0].check",
                "lines[1].reserve", "lines[1].check",
                "lines[2].reserve", "lines[2].check", "lines[2].check.alert2");
        assertThat(f.connector.call.contexts()).extracting(c -> c.stepPath()).containsExactly(
                "big.alert", "lines[0].reserve", "lines[1].reserve", "lines[2].reserve", "lines[2].check.alert2");
    }

    @Test
    void foreachOutputIsEachIterationsLastStepOutputInOrder() {
        f.body("{'items': [1, 2, 3]}");
        RunOutcome outcome = f.run(recipe(
                foreach("lines", "trigger.body.items", "n", 0, 1,
                        action("times", "t.transform").with("{'value': '{{ n * 10 }}'}").build(),
                        // Steps of the same iteration see each other; `item` is there beside the `as` name.
                        action("plus", "t.transform").with("{'value': '{{ steps.times.output.value + item }}'}").build()),
                action("after", "t.transform").with("{'value': '{{ steps.lines.output.value }}'}").build()));

        assertThat(f.journal.latest("lines").output()).isEqualTo(json("[{'value': 11}, {'value': 22}, {'value': 33}]"));
        assertThat(f.journal.latest("lines").input()).isEqualTo(json("{'items': 3}"));
        assertThat(f.journal.latest("lines[1].times").output()).isEqualTo(json("{'value': 20}"));
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'value': [11, 22, 33]}")));
    }

    @Test
    void iterationStepsAreNotVisibleAfterTheForeach() {
        f.body("{'items': [1]}");
        RunOutcome outcome = f.run(recipe(
                foreach("lines", "trigger.body.items", action("inner", "t.transform").with("{'value': 1}").build()),
                action("after", "t.transform").with("{'value': '{{ steps.inner.output.value }}'}").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'value': null}")));
    }

    @Test
    void chunkHandsTheBodyArraysOfUpToNItems() {
        f.body("{'items': [1, 2, 3, 4, 5]}");
        RunOutcome outcome = f.run(recipe(
                foreach("batches", "trigger.body.items", "rows", 2, 1,
                        action("insert", "t.transform").with("{'value': '{{ rows }}'}").build())));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json(
                "[{'value': [1, 2]}, {'value': [3, 4]}, {'value': [5]}]")));
        assertThat(f.journal.paths()).containsExactly("batches", "batches[0].insert", "batches[1].insert", "batches[2].insert");
        assertThat(f.journal.latest("batches").input()).isEqualTo(json("{'items': 5}"));
    }

    @Test
    void aForeachRecordsItsProgressInItemsAfterEachIteration() {
        f.body("{'items': [1, 2, 3, 4, 5]}");
        f.run(recipe(foreach("batches", "trigger.body.items", "rows", 2, 1,
                action("insert", "t.transform").with("{'value': '{{ rows }}'}").build())));

        assertThat(f.journal.calls("batches")).extracting(c -> c.record().status().wire() + " " + c.record().output())
                .containsExactly(
                        "running null",
                        "running {\"progress\":{\"done\":2,\"total\":5}}",
                        "running {\"progress\":{\"done\":4,\"total\":5}}",
                        "running {\"progress\":{\"done\":5,\"total\":5}}",
                        "succeeded [{\"value\":[1,2]},{\"value\":[3,4]},{\"value\":[5]}]");
    }

    @Test
    void parallelIterationsCountEveryItemOnce() {
        f.body("{'items': [1, 2, 3, 4, 5, 6, 7]}");
        f.run(recipe(foreach("each", "trigger.body.items", "n", 0, 4,
                action("t", "t.transform").with("{'value': '{{ n }}'}").build())));

        List<Integer> done = f.journal.calls("each").stream()
                .filter(c -> c.record().output() != null && c.record().output().has("progress"))
                .map(c -> c.record().output().path("progress").path("done").asInt()).toList();
        assertThat(done).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void foreachOverASingleValueRunsOnceAndOverNothingNever() {
        f.body("{'one': 'x', 'none': null}");
        f.run(recipe(
                foreach("single", "trigger.body.one", action("a", "t.transform").with("{'value': '{{ item }}'}").build()),
                foreach("missing", "trigger.body.absent", action("b", "t.call").build()),
                foreach("nulls", "trigger.body.none", action("c", "t.call").build())));

        assertThat(f.journal.latest("single").output()).isEqualTo(json("[{'value': 'x'}]"));
        assertThat(f.journal.latest("missing").output()).isEqualTo(json("[]"));
        assertThat(f.journal.latest("nulls").output()).isEqualTo(json("[]"));
        assertThat(f.connector.call.calls()).isZero();
    }

    @Test
    void parallelIterationsRunTogetherAndResultsKeepItemOrder() {
        // Four iterations must all be inside the action at once to pass the barrier, then they finish
        // in reverse order: iteration i waits for i+1.
        CyclicBarrier together = new CyclicBarrier(4);
        List<CountDownLatch> finished = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        List<Integer> completionOrder = Collections.synchronizedList(new ArrayList<>());
        f.connector.with("ordered", new TestConnector.PureAction(input -> {
            int i = input.get("i").asInt();
            try {
                together.await(10, TimeUnit.SECONDS);
                if (i < 3 && !finished.get(i + 1).await(10, TimeUnit.SECONDS)) {
                    throw ActionException.fatal("test.stuck", "iteration " + (i + 1) + " never finished");
                }
            } catch (Exception e) {
                throw ActionException.fatal("test.barrier", "iterations did not run together: " + e);
            }
            completionOrder.add(i);
            finished.get(i).countDown();
            return input;
        }));
        f.body("{'items': [0, 1, 2, 3]}");

        RunOutcome outcome = f.run(recipe(foreach("lines", "trigger.body.items", "item", 0, 4,
                action("work", "t.ordered").with("{'i': '{{ item }}'}").build())));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("[{'i': 0}, {'i': 1}, {'i': 2}, {'i': 3}]")));
        assertThat(completionOrder).containsExactly(3, 2, 1, 0);
    }

    @Test
    void parallelNeverRunsMoreThanNIterationsAtOnce() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        f.connector.with("count", new TestConnector.PureAction(input -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Thread.yield();
            inFlight.decrementAndGet();
            return input;
        }));
        f.body("{'items': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]}");

        RunOutcome outcome = f.run(recipe(foreach("lines", "trigger.body.items", "item", 0, 4,
                action("work", "t.count").with("{'i': '{{ item }}'}").build())));

        assertThat(most.get()).isBetween(1, 4);
        JsonNode output = ((RunOutcome.Succeeded) outcome).output();
        assertThat(output).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(output.get(i).get("i").asInt()).isEqualTo(i);
        }
    }

    @Test
    void aFailingParallelIterationEndsTheForeachAndTheFirstInItemOrderIsReported() {
        f.body("{'items': [0, 1, 2, 3, 4, 5, 6, 7]}");

        // Items 1 and 5 fail; whichever finishes first, iteration 1 started first, so it is the one reported.
        RunOutcome outcome = f.run(recipe(
                foreach("lines", "trigger.body.items", "item", 0, 2,
                        ifStep("bad", "item in [1, 5]", fail("boom", "item {{ item }} is bad")),
                        action("work", "t.transform").with("{'value': '{{ item }}'}").build()),
                action("after", "t.call").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Failed("lines[1].bad.boom", new StepError("recipe.fail", "item 1 is bad", false)));
        assertThat(f.journal.latest("lines").status()).isEqualTo(StepStatus.FAILED);
        assertThat(f.journal.latest("lines").error()).isEqualTo(new StepError("recipe.fail", "item 1 is bad", false));
        assertThat(f.journal.paths()).doesNotContain("after");
        assertThat(f.connector.call.calls()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"1500, then, alert, note", "10, else, note, alert"})
    void ifRunsOneBranchAndRecordsTheDecision(int amount, String branch, String ran, String notRan) {
        f.body("{'amount': " + amount + "}");
        RunOutcome outcome = f.run(recipe(ifStep("big", "trigger.body.amount > 1000",
                List.of(action("alert", "t.transform").with("{'value': 'alert'}").build()),
                List.of(action("note", "t.transform").with("{'value': 'note'}").build()))));

        boolean result = branch.equals("then");
        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'branch': '" + branch + "', 'result': " + result + "}")));
        assertThat(f.journal.latest("big").input()).isEqualTo(json("{'condition': 'trigger.body.amount > 1000'}"));
        assertThat(f.journal.latest("big.%s".formatted(ran)).output()).isEqualTo(json("{'value': '" + ran + "'}"));
        assertThat(f.journal.paths()).doesNotContain("big." + notRan);
    }

    @Test
    void stopEndsTheRunWithItsOutput() {
        RunOutcome outcome = f.run(recipe(
                action("a", "t.transform").with("{'value': 41}").build(),
                stop("done", "{'total': '{{ steps.a.output.value + 1 }}'}"),
                action("never", "t.call").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'total': 42}")));
        assertThat(f.journal.latest("done").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(f.journal.latest("done").output()).isEqualTo(json("{'total': 42}"));
        assertThat(f.connector.call.calls()).isZero();
    }

    @Test
    void stopInsideAForeachEndsTheWholeRun() {
        f.body("{'items': [1, 2, 3]}");
        RunOutcome outcome = f.run(recipe(
                foreach("lines", "trigger.body.items",
                        ifStep("found", "item = 2", stop("done", "{'found': '{{ item }}'}")),
                        action("work", "t.call").build()),
                action("after", "t.call").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'found': 2}")));
        assertThat(f.connector.call.contexts()).extracting(c -> c.stepPath()).containsExactly("lines[0].work");
        assertThat(f.journal.latest("lines[1].found.done").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(f.journal.latest("lines[1].found").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(f.journal.latest("lines").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void stopWithoutOutputEndsWithNull() {
        assertThat(f.run(recipe(action("a", "t.transform").with("{'value': 1}").build(), stop("done", null))))
                .isEqualTo(new RunOutcome.Succeeded(NullNode.getInstance()));
    }

    @Test
    void withoutStopTheRunOutputIsTheLastTopLevelStepThatRan() {
        RunOutcome outcome = f.run(recipe(
                action("a", "t.transform").with("{'value': 'first'}").build(),
                action("b", "t.transform").with("{'value': 'last'}").build(),
                ifStep("never", "false", action("c", "t.transform").with("{'value': 'not run'}").build())));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'branch': 'else', 'result': false}")));
        assertThat(new RunFixture().run(recipe(action("a", "t.transform").with("{'value': 'last'}").build())))
                .isEqualTo(new RunOutcome.Succeeded(json("{'value': 'last'}")));
        assertThat(new RunFixture().run(recipe())).isEqualTo(new RunOutcome.Succeeded(NullNode.getInstance()));
    }

    @Test
    void failEndsTheRunWithARecipeFailError() {
        f.body("{'id': 7}");
        RunOutcome outcome = f.run(recipe(
                fail("reject", "Order {{ trigger.body.id }} rejected"),
                action("never", "t.call").build()));

        StepError error = new StepError("recipe.fail", "Order 7 rejected", false);
        assertThat(outcome).isEqualTo(new RunOutcome.Failed("reject", error));
        assertThat(f.journal.calls()).containsExactly(new InMemoryJournal.Call(
                new StepRecord("reject", StepStatus.FAILED, 1, null, null, error, RunFixture.START, RunFixture.START), false));
        assertThat(f.connector.call.calls()).isZero();
    }

    @Test
    void brokenExpressionsFailTheStepFatally() {
        RunOutcome outcome = f.run(recipe(action("a", "t.call").with("{'x': '{{ 1 + }}'}").build()));

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> {
            assertThat(failed.stepPath()).isEqualTo("a");
            assertThat(failed.error().type()).isEqualTo("expression");
            assertThat(failed.error().retryable()).isFalse();
        });
        assertThat(f.connector.call.calls()).isZero();
        assertThat(f.run(recipe(ifStep("i", "(((", action("x", "t.call").build()))))
                .isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> assertThat(failed.error().type()).isEqualTo("expression"));
        assertThat(f.run(recipe(foreach("l", "[1,2", action("x", "t.call").build()))))
                .isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> assertThat(failed.error().type()).isEqualTo("expression"));
    }

    @Test
    void connectionsAreResolvedByName() {
        f.connections.put("crm", json("{'baseUrl': 'https://crm.example', 'token': 't0k'}"));
        f.run(recipe(action("a", "t.call").connection("crm").build(), action("b", "t.call").build()));

        assertThat(f.connector.call.contexts().get(0).connection()).isEqualTo(json("{'baseUrl': 'https://crm.example', 'token': 't0k'}"));
        assertThat(f.connector.call.contexts().get(1).connection()).isEqualTo(json("{}"));
    }

    @Test
    void aStepWithoutAConnectionGetsItsConnectorsDefaultOne() {
        f.connector.defaultConnection = "own";
        f.connections.put("own", json("{'bootstrapServers': '127.0.0.1:9092'}"));
        f.connections.put("crm", json("{'baseUrl': 'https://crm.example'}"));
        f.run(recipe(action("a", "t.call").build(), action("b", "t.call").connection("crm").build()));

        assertThat(f.connector.call.contexts().get(0).connection()).isEqualTo(json("{'bootstrapServers': '127.0.0.1:9092'}"));
        assertThat(f.connector.call.contexts().get(1).connection()).isEqualTo(json("{'baseUrl': 'https://crm.example'}"));
    }

    @Test
    void aMissingDefaultConnectionIsNamedAsTheDefault() {
        f.connector.defaultConnection = "own";

        assertThat(f.run(recipe(action("a", "t.call").build()))).isEqualTo(new RunOutcome.Failed("a", new StepError(
                "connection.unknown", "Connection 'own' (what t.call uses when a step names none) does not exist", false)));
        assertThat(f.connector.call.calls()).isZero();
    }

    @Test
    void unknownConnectionOrActionFailsFatally() {
        assertThat(f.run(recipe(action("a", "t.call").connection("nope").build())))
                .isEqualTo(new RunOutcome.Failed("a", new StepError("connection.unknown", "Connection 'nope' does not exist", false)));
        assertThat(f.run(recipe(action("b", "t.nothing").build())))
                .isEqualTo(new RunOutcome.Failed("b", new StepError("action.unknown", "Action 't.nothing' does not exist", false)));
        assertThat(f.connector.call.calls()).isZero();
    }

    @Test
    void aStepDoesNotStartOnceTheRunDeadlineHasPassed() {
        f.deadline = RunFixture.START;

        RunOutcome outcome = f.run(recipe(action("late", "t.call").build()));

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> {
            assertThat(failed.stepPath()).isEqualTo("late");
            assertThat(failed.error().type()).isEqualTo("run.timeout");
            assertThat(failed.error().retryable()).isFalse();
        });
        assertThat(f.connector.call.calls()).isZero();
        assertThat(f.journal.calls()).isEmpty();
    }

    @Test
    void theDeadlineIsCheckedBeforeEachStep() {
        f.deadline = RunFixture.START.plusSeconds(10);
        f.connector.with("slow", new TestConnector.PureAction(input -> {
            f.clock.advance(Duration.ofSeconds(10));
            return input;
        }));

        RunOutcome outcome = f.run(recipe(action("first", "t.slow").build(), action("second", "t.call").build()));

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> {
            assertThat(failed.stepPath()).isEqualTo("second");
            assertThat(failed.error().type()).isEqualTo("run.timeout");
        });
        assertThat(f.connector.call.calls()).isZero();
    }

    @Test
    void theActionDeadlineIsTheEarlierOfRunDeadlineAndStepTimeout() {
        f.run(recipe(
                action("short", "t.call").timeout(Duration.ofSeconds(30)).build(),
                action("long", "t.call").timeout(Duration.ofHours(5)).build(),
                action("none", "t.call").build()));

        assertThat(f.connector.call.contexts()).extracting(c -> c.deadline()).containsExactly(
                RunFixture.START.plusSeconds(30), f.deadline, f.deadline);
        assertThat(f.connector.call.lastContext().remaining()).isEqualTo(Duration.ofHours(1));
    }
}
