package dev.braid.app.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.secrets.Masker;
import dev.braid.app.secrets.RunSecrets;
import dev.braid.app.store.AttemptStore;
import dev.braid.app.store.Ids;
import dev.braid.app.store.JsonColumns;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.StepStore;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.run.RunExecutor;
import dev.braid.engine.run.RunOutcome;
import dev.braid.engine.run.RunRequest;
import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.StepError;
import dev.braid.engine.run.Transitions;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Executes one claimed attempt of a run: reads back the checkpoints of earlier attempts, lets the
 * engine decide what happens, and ends the attempt (succeeded, failed with a dead letter, or retrying
 * at a later time) in one statement.
 */
@Component
public class RunProcessor {

    private static final Logger log = LoggerFactory.getLogger(RunProcessor.class);

    private final RecipeCatalog catalog;
    private final RunSecrets runSecrets;
    private final StepStore steps;
    private final AttemptStore attempts;
    private final RunExecutor executor;
    private final RunCompletions completions;
    private final JsonColumns json;
    private final Clock clock;
    private final NodeIdentity node;
    private final BraidProperties.Worker settings;

    public RunProcessor(RecipeCatalog catalog, RunSecrets runSecrets, StepStore steps, AttemptStore attempts, RunExecutor executor,
                        RunCompletions completions, JsonColumns json, Clock clock, NodeIdentity node,
                        BraidProperties properties) {
        this.catalog = catalog;
        this.runSecrets = runSecrets;
        this.steps = steps;
        this.attempts = attempts;
        this.executor = executor;
        this.completions = completions;
        this.json = json;
        this.clock = clock;
        this.node = node;
        this.settings = properties.worker();
    }

    public void process(RunRow run) {
        try {
            processAttempt(run);
        } catch (LeaseLostException e) {
            log.warn(e.getMessage());
        }
    }

    private void processAttempt(RunRow run) {
        Recipe recipe;
        try {
            recipe = catalog.version(run.recipe(), run.recipeVersion());
        } catch (RuntimeException e) {
            end(run, null, new RunOutcome.Failed(null, new StepError("recipe.invalid",
                    "Recipe " + run.recipe() + " version " + run.recipeVersion() + " cannot be run: " + e.getMessage(),
                    false)), new Masker(), null);
            return;
        }
        // Only a resumed run (a retry, a takeover after a crash) has checkpoints to read back.
        Map<String, StepStore.SeqRecord> previous = run.attempt() > 1 || run.replayOf() != null
                ? steps.load(run.id()) : Map.of();
        RunSecrets.Scope scope = runSecrets.open();
        PgStepJournal journal = new PgStepJournal(previous, clock, scope.masker(),
                (records, lines) -> {
                    if (!attempts.checkpoint(run.id(), node.id(), settings.lease(), records, lines)) {
                        throw new LeaseLostException(run.id());
                    }
                });
        Instant started = run.startedAt() == null ? clock.instant() : run.startedAt();
        Duration timeout = recipe.runTimeout().orElse(settings.defaultRunTimeout());
        RunRequest request = new RunRequest(run.id().toString(), recipe, run.trigger(), run.attempt(),
                scope.secrets(), scope::connection, false, started.plus(timeout), journal::log);
        RunOutcome outcome;
        try {
            outcome = executor.execute(request, journal);
        } catch (LeaseLostException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("Run {} crashed in the engine", run.id(), e);
            outcome = new RunOutcome.Failed(null, new StepError("engine.crashed", String.valueOf(e.getMessage()), false));
        }
        end(run, recipe, outcome, scope.masker(), journal);
    }

    private void end(RunRow run, Recipe recipe, RunOutcome outcome, Masker masker, PgStepJournal journal) {
        AttemptStore.Ending ending = switch (outcome) {
            case RunOutcome.Succeeded s -> new AttemptStore.Ending(
                    transition(RunStatus.SUCCEEDED), json.write(masker.mask(s.output())), null, null, null);
            case RunOutcome.Retry r -> new AttemptStore.Ending(
                    transition(RunStatus.RETRYING), null, json.write(masker.mask(error(r.stepPath(), r.error()))), r.nextAttemptAt(), null);
            case RunOutcome.Waiting w -> throw new IllegalStateException(
                    "Waiting runs are being wired into the queue (issue 4): " + w);
            case RunOutcome.Failed f -> {
                String errorJson = json.write(masker.mask(error(f.stepPath(), f.error())));
                boolean deadLetter = recipe == null || recipe.onError().deadLetter();
                yield new AttemptStore.Ending(transition(RunStatus.FAILED), null, errorJson, null,
                        deadLetter ? new AttemptStore.DeadLetter(Ids.next(), run.recipe(), f.stepPath(), errorJson,
                                json.write(run.trigger())) : null);
            }
        };
        if (!attempts.finish(run.id(), node.id(), ending,
                journal == null ? java.util.List.of() : journal.drainRecords(),
                journal == null ? java.util.List.of() : journal.drainLines())) {
            throw new LeaseLostException(run.id());
        }
        completions.ended(run.id());
    }

    private static String transition(RunStatus to) {
        Transitions.check(RunStatus.RUNNING, to);
        return to.wire();
    }

    private static ObjectNode error(String stepPath, StepError error) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", error.type());
        node.put("message", error.message());
        if (stepPath != null) {
            node.put("step", stepPath);
        }
        return node;
    }
}
