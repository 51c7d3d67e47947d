package dev.braid.app.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.RunSecrets;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.secrets.Masker;
import dev.braid.app.secrets.SecretReferences;
import dev.braid.app.stats.RunMetrics;
import dev.braid.app.stats.StepMeters;
import dev.braid.app.store.AttemptEnd;
import dev.braid.app.store.FinishGroups;
import dev.braid.app.store.Ids;
import dev.braid.app.store.JsonColumns;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.app.store.StepStore;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.run.ConnectionGuards;
import dev.braid.engine.run.RunExecutor;
import dev.braid.engine.run.RunOutcome;
import dev.braid.engine.run.RunRequest;
import dev.braid.engine.run.StepError;
import dev.braid.engine.spi.RunLog;
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
    private final RunStore runs;
    private final FinishGroups finishes;
    private final RunExecutor executor;
    private final RunCompletions completions;
    private final JsonColumns json;
    private final Clock clock;
    private final NodeIdentity node;
    private final BraidProperties.Worker settings;
    private final ChildRunsStore children;
    private final Ingestion ingestion;
    private final ConnectionGuards guards;
    private final RunMetrics metrics;

    public RunProcessor(RecipeCatalog catalog, RunSecrets runSecrets, StepStore steps, RunStore runs, FinishGroups finishes,
                        RunExecutor executor,
                        RunCompletions completions, JsonColumns json, Clock clock, NodeIdentity node,
                        BraidProperties properties, ChildRunsStore children, Ingestion ingestion,
                        ObjectProvider<ConnectionGuards> guards, RunMetrics metrics) {
        this.metrics = metrics;
        this.catalog = catalog;
        this.runSecrets = runSecrets;
        this.steps = steps;
        this.runs = runs;
        this.finishes = finishes;
        this.executor = executor;
        this.completions = completions;
        this.json = json;
        this.clock = clock;
        this.node = node;
        this.settings = properties.worker();
        this.children = children;
        this.ingestion = ingestion;
        this.guards = guards.getIfAvailable(() -> ConnectionGuards.NONE);
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
        Set<String> unopened = unopenedSecretsUsed(recipe, scope);
        if (!unopened.isEmpty()) {
            end(run, recipe, new RunOutcome.Failed(null, new StepError("secret.unreadable",
                    "The secret" + (unopened.size() == 1 ? " " : "s ") + String.join(", ", unopened) + " used by this recipe "
                            + "cannot be opened with the master key of node " + node.id() + ": sealed with another key. Every "
                            + "node of a cluster needs the same BRAID_MASTER_KEY; start this node with it, then replay the run.",
                    false)), scope.masker(), null);
            return;
        }
        PgStepJournal journal = new PgStepJournal(previous, clock, scope.masker(),
                (records, lines) -> {
                    if (!runs.checkpoint(run.id(), node.id(), settings.lease(), records, lines)) {
                        throw new LeaseLostException(run.id());
                    }
                }).observedBy(new StepMeters(recipe, metrics)::recorded);
        Instant started = run.startedAt() == null ? clock.instant() : run.startedAt();
        Duration timeout = recipe.runTimeout().orElse(settings.defaultRunTimeout());
        RunRequest request = new RunRequest(run.id().toString(), recipe, run.trigger(), run.attempt(),
                scope.secrets(), scope::connection, false, started.plus(timeout), journal::log, children, guards);
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

    /** The secrets the recipe names that exist but that this node cannot open (usually none: nothing is scanned then). */
    private static Set<String> unopenedSecretsUsed(Recipe recipe, RunSecrets.Scope scope) {
        if (scope.unreadable().isEmpty()) {
            return Set.of();
        }
        Set<String> used = new java.util.TreeSet<>(SecretReferences.in(recipe.definition()));
        used.retainAll(scope.unreadable());
        return used;
    }

    private void end(RunRow run, Recipe recipe, RunOutcome outcome, Masker masker, PgStepJournal journal) {
        AttemptEnd ending = switch (outcome) {
            case RunOutcome.Succeeded s -> AttemptEnd.succeeded(json.write(masker.mask(s.output())));
            case RunOutcome.Retry r -> AttemptEnd.retrying(
                    json.write(masker.mask(error(r.stepPath(), r.error()))), r.nextAttemptAt());
            case RunOutcome.Waiting w -> waiting(run, w, journal);
            case RunOutcome.Failed f -> failed(run, recipe, f, masker, journal);
        };
        if (!finishes.finish(run.id(), node.id(), ending,
                journal == null ? List.of() : journal.drainRecords(),
                journal == null ? List.of() : journal.drainLines())) {
            throw new LeaseLostException(run.id());
        }
        completions.ended(run.id());
    }

    /**
     * Parks the run: until a time (a durable delay, an open circuit, a rate limit), or until the child
     * a {@code call:} step starts — created by the same statement — ends and wakes it.
     */
    private AttemptEnd waiting(RunRow run, RunOutcome.Waiting w, PgStepJournal journal) {
        if (w.call() == null) {
            return AttemptEnd.waiting(w.reason(), w.wakeAt(), null);
        }
        RunOutcome.Call call = w.call();
        Optional<RecipeCatalog.Current> child = catalog.current(call.recipe());
        if (child.isEmpty()) {
            // Deleted between the engine's check and now: nothing would ever wake this run.
            journal.log(w.stepPath(), RunLog.Level.ERROR, "Recipe '" + call.recipe() + "' to call no longer exists");
            StepError error = new StepError("call.refused", "Recipe '" + call.recipe() + "' to call no longer exists", false);
            return failedEnding(run, null, new RunOutcome.Failed(w.stepPath(), error), new Masker());
        }
        return AttemptEnd.waiting("call", w.wakeAt(), ingestion.started(Ingestion.Target.of(child.get()).as("call"),
                UUID.fromString(call.runId()), w.stepPath(), TriggerEvent.manual(call.input())));
    }

    private AttemptEnd failed(RunRow run, Recipe recipe, RunOutcome.Failed f, Masker masker, PgStepJournal journal) {
        AttemptEnd ending = failedEnding(run, recipe, f, masker);
        if (recipe == null || recipe.onError().notifyRecipe() == null) {
            return ending;
        }
        String target = recipe.onError().notifyRecipe();
        Optional<String> refusal = children.refusal(target);
        if (refusal.isPresent()) {
            journal.log(f.stepPath(), RunLog.Level.WARN, "onError.notify could not start '" + target + "': " + refusal.get());
            return ending;
        }
        RecipeCatalog.Current notified = catalog.current(target).orElseThrow();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("run").put("id", run.id().toString()).put("recipe", run.recipe()).put("version", run.recipeVersion());
        if (f.stepPath() != null) {
            body.put("step", f.stepPath());
        } else {
            body.putNull("step");
        }
        body.set("error", masker.mask(error(f.stepPath(), f.error())));
        body.set("payload", masker.mask(run.trigger().path("body").deepCopy()));
        if (ending.deadLetter() != null) {
            body.put("deadLetterId", ending.deadLetter().id().toString());
        } else {
            body.putNull("deadLetterId");
        }
        AttemptEnd.StartedRun notify = ingestion.started(Ingestion.Target.of(notified).as("notify"), Ids.next(), null,
                TriggerEvent.manual(body));
        return AttemptEnd.failed(ending.errorJson(), ending.deadLetter(), List.of(notify));
    }

    private AttemptEnd failedEnding(RunRow run, Recipe recipe, RunOutcome.Failed f, Masker masker) {
        String errorJson = json.write(masker.mask(error(f.stepPath(), f.error())));
        boolean deadLetter = recipe == null || recipe.onError().deadLetter();
        return AttemptEnd.failed(errorJson,
                deadLetter ? new AttemptEnd.DeadLetter(Ids.next(), run.recipe(), f.stepPath(), errorJson,
                        json.write(run.trigger())) : null, List.of());
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
