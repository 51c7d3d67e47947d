package dev.braid.engine.run;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.braid.engine.model.RetrySpec;

import static dev.braid.engine.run.RunFixture.START;
import static dev.braid.engine.run.TestRecipes.action;
import static dev.braid.engine.run.TestRecipes.foreach;
import static dev.braid.engine.run.TestRecipes.json;
import static dev.braid.engine.run.TestRecipes.recipe;
import static org.assertj.core.api.Assertions.assertThat;

/** Step failures: retries at the policy's times, exhausted attempts, fatal errors, onError: continue. */
class RunExecutorRetryTest {

    private static final RetrySpec RECIPE_RETRY = new RetrySpec(3, Duration.ofSeconds(2), 3.0, Duration.ofMinutes(1));
    private static final StepError UNAVAILABLE = new StepError("test.unavailable", "target unavailable", true);

    private final RunFixture f = new RunFixture();

    @Test
    void aRetryableErrorWithAttemptsLeftAsksForARetryAtTheBackoffTime() {
        f.connector.call.failRetryably(1);

        RunOutcome outcome = f.run(recipe(RECIPE_RETRY, action("push", "t.call").with("{'n': 1}").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Retry("push", UNAVAILABLE, START.plusSeconds(2)));
        assertThat(f.journal.calls()).containsExactly(
                new InMemoryJournal.Call(new StepRecord("push", StepStatus.RUNNING, 1, json("{'n': 1}"), null, null, START, null), true),
                new InMemoryJournal.Call(new StepRecord("push", StepStatus.RETRYING, 1, json("{'n': 1}"), null, UNAVAILABLE, START, START), true));
    }

    @Test
    void attemptsContinueAcrossExecutionsUntilTheyAreExhausted() {
        f.connector.call.failRetryably(3);
        var recipe = recipe(RECIPE_RETRY, action("push", "t.call").build());

        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Retry("push", UNAVAILABLE, START.plusSeconds(2)));
        f.clock.advance(Duration.ofSeconds(2));
        f.attempt = 2;
        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Retry("push", UNAVAILABLE, START.plusSeconds(2 + 6)));
        f.clock.advance(Duration.ofSeconds(6));
        f.attempt = 3;
        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Failed("push", UNAVAILABLE));

        assertThat(f.connector.call.contexts()).extracting(c -> c.attempt()).containsExactly(1, 2, 3);
        StepRecord last = f.journal.latest("push");
        assertThat(last.status()).isEqualTo(StepStatus.FAILED);
        assertThat(last.attempts()).isEqualTo(3);
        assertThat(f.journal.calls("push").getLast().durable()).isTrue();
    }

    @Test
    void aRetrySucceedsOnTheNextExecution() {
        f.connector.call.failRetryably(1);
        var recipe = recipe(RECIPE_RETRY, action("push", "t.call").build(), action("after", "t.transform").with("{'value': '{{ steps.push.output.call }}'}").build());

        assertThat(f.run(recipe)).isInstanceOf(RunOutcome.Retry.class);
        f.clock.advance(Duration.ofSeconds(2));

        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Succeeded(json("{'value': 2}")));
        assertThat(f.journal.latest("push").attempts()).isEqualTo(2);
        assertThat(f.journal.latest("push").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void retryAfterWinsWhenLongerThanTheBackoffEvenBeyondMaxDelay() {
        f.connector.call.failRetryably(Duration.ofMinutes(10));

        RunOutcome outcome = f.run(recipe(RECIPE_RETRY, action("push", "t.call").build()));

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Retry.class,
                retry -> assertThat(retry.nextAttemptAt()).isEqualTo(START.plus(Duration.ofMinutes(10))));
    }

    @Test
    void theBackoffWinsWhenRetryAfterIsShorter() {
        f.connector.call.failRetryably(Duration.ofMillis(100));

        RunOutcome outcome = f.run(recipe(RECIPE_RETRY, action("push", "t.call").build()));

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Retry.class,
                retry -> assertThat(retry.nextAttemptAt()).isEqualTo(START.plusSeconds(2)));
    }

    @Test
    void theStepsRetryIsLaidOverTheRecipesAndTheDefaults() {
        f.connector.call.failRetryably(2);
        // The step says one attempt only: no retry although the recipe allows three.
        assertThat(f.run(recipe(RECIPE_RETRY, action("once", "t.call").retry(new RetrySpec(1, null, null, null)).build())))
                .isEqualTo(new RunOutcome.Failed("once", UNAVAILABLE));
        // Neither says anything: the defaults (3 attempts, 1 s first delay).
        assertThat(f.run(recipe(action("plain", "t.call").build())))
                .isEqualTo(new RunOutcome.Retry("plain", UNAVAILABLE, START.plusSeconds(1)));
    }

    @Test
    void aFatalErrorFailsAtOnceWithoutRetry() {
        f.connector.call.failFatally();

        RunOutcome outcome = f.run(recipe(RECIPE_RETRY, action("push", "t.call").build(), action("after", "t.call").build()));

        StepError rejected = new StepError("test.rejected", "target rejected the input", false);
        assertThat(outcome).isEqualTo(new RunOutcome.Failed("push", rejected));
        assertThat(f.connector.call.calls()).isEqualTo(1);
        assertThat(f.journal.sequence()).containsExactly("push:running:durable", "push:failed:durable");
        assertThat(f.journal.latest("push").error()).isEqualTo(rejected);
    }

    @Test
    void anActionThatCrashesIsAFatalError() {
        f.connector.call.crash(new IllegalStateException("bug in the connector"));

        RunOutcome outcome = f.run(recipe(RECIPE_RETRY, action("push", "t.call").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Failed("push", new StepError("action.crashed", "bug in the connector", false)));
        assertThat(f.logs).anySatisfy(line -> {
            assertThat(line.path()).isEqualTo("push");
            assertThat(line.message()).contains("IllegalStateException", "bug in the connector");
        });
    }

    @Test
    void onErrorContinueRecordsTheFailureAndGoesOn() {
        f.connector.call.failFatally();

        RunOutcome outcome = f.run(recipe(
                action("publish", "t.call").continueOnError().build(),
                action("after", "t.transform").with("{'value': '{{ steps.publish.output.error.type }}'}").build()));

        assertThat(outcome).isEqualTo(new RunOutcome.Succeeded(json("{'value': 'test.rejected'}")));
        StepRecord failed = f.journal.latest("publish");
        assertThat(failed.status()).isEqualTo(StepStatus.FAILED);
        assertThat(failed.output()).isEqualTo(json("{'error': {'type': 'test.rejected', 'message': 'target rejected the input'}}"));
        assertThat(failed.error().type()).isEqualTo("test.rejected");
    }

    @Test
    void onErrorContinueStillRetriesWhileAttemptsAreLeft() {
        f.connector.call.failRetryably(1);

        RunOutcome outcome = f.run(recipe(RECIPE_RETRY, action("publish", "t.call").continueOnError().build()));

        assertThat(outcome).isInstanceOf(RunOutcome.Retry.class);
    }

    @Test
    void aRetryInsideAForeachLeavesTheForeachRetrying() {
        f.connector.call.failRetryably(1);
        f.body("{'items': ['a', 'b']}");
        var recipe = recipe(RECIPE_RETRY, foreach("lines", "trigger.body.items", action("push", "t.call").build()));

        assertThat(f.run(recipe)).isEqualTo(new RunOutcome.Retry("lines[0].push", UNAVAILABLE, START.plusSeconds(2)));
        assertThat(f.journal.latest("lines").status()).isEqualTo(StepStatus.RETRYING);

        f.clock.advance(Duration.ofSeconds(2));
        assertThat(f.run(recipe)).isInstanceOf(RunOutcome.Succeeded.class);
        assertThat(f.journal.latest("lines").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(f.journal.latest("lines").attempts()).isEqualTo(2);
        assertThat(f.journal.latest("lines[0].push").attempts()).isEqualTo(2);
    }

    @Test
    void anUnusableRetrySettingFailsTheStepInsteadOfCrashingTheRun() {
        f.connector.call.failRetryably(1);

        RunOutcome outcome = f.run(recipe(action("push", "t.call").retry(new RetrySpec(0, null, null, null)).build()));

        assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Failed.class, failed -> {
            assertThat(failed.error().type()).isEqualTo("retry.invalid");
            assertThat(failed.error().message()).contains("maxAttempts");
        });
    }
}
