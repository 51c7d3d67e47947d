package dev.braid.app.queue;

import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.braid.app.store.Ids;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RunLogStore;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.run.ChildRuns;
import dev.braid.engine.run.StepError;

/**
 * The app's side of {@code call:} steps. Which recipes may be called is decided here; the child run
 * itself is inserted by {@link RunStore#finish} in the statement that parks the
 * parent (so a parent is never waiting for a child that was not created, nor a child running for a
 * parent that did not park), and that statement's counterpart for the child wakes the parent.
 */
@Component
public class ChildRunsStore implements ChildRuns {

    private final RecipeCatalog catalog;
    private final RunStore runs;
    private final RunLogStore logs;

    public ChildRunsStore(RecipeCatalog catalog, RunStore runs, RunLogStore logs) {
        this.catalog = catalog;
        this.runs = runs;
        this.logs = logs;
    }

    @Override
    public Optional<String> refusal(String recipe) {
        Optional<RecipeCatalog.Current> current = catalog.current(recipe);
        if (current.isEmpty()) {
            return Optional.of("there is no recipe '" + recipe + "'");
        }
        if (!current.get().enabled()) {
            return Optional.of("recipe '" + recipe + "' is disabled; enable it to call it");
        }
        Trigger.Type type = current.get().recipe().trigger().type();
        if (type != Trigger.Type.MANUAL) {
            return Optional.of("recipe '" + recipe + "' has a " + type.wire()
                    + " trigger; only recipes with a manual trigger (trigger: {manual: {}}) can be called");
        }
        return Optional.empty();
    }

    @Override
    public String newRunId() {
        return Ids.next().toString();
    }

    @Override
    public Optional<ChildResult> result(String runId) {
        UUID id;
        try {
            id = UUID.fromString(runId);
        } catch (IllegalArgumentException e) {
            return Optional.of(new ChildResult(false, null, new StepError("call.lost", "No child run " + runId, false)));
        }
        Optional<RunRow> child = runs.find(id);
        if (child.isEmpty()) {
            // Deleted with its recipe: the call can never end otherwise.
            return Optional.of(new ChildResult(false, null,
                    new StepError("call.lost", "The called run " + runId + " no longer exists", false)));
        }
        RunRow row = child.get();
        return switch (row.status()) {
            case SUCCEEDED -> Optional.of(new ChildResult(true, row.output(), null));
            case FAILED -> Optional.of(new ChildResult(false, null, error(row)));
            case CANCELLED -> Optional.of(new ChildResult(false, null,
                    new StepError("call.cancelled", "The called run " + runId + " was cancelled", false)));
            default -> Optional.empty();
        };
    }

    /**
     * Cancels the child unless it has ended. A worker still running it loses its lease (its writes
     * require {@code locked_by}); its parent is not waiting (it is the running run doing this), so
     * nothing is woken.
     */
    @Override
    public void abandon(String runId) {
        UUID id = UUID.fromString(runId);
        if (runs.cancelUnfinished(id)) {
            logs.note(id, "warn", "Cancelled: the calling run stopped waiting (its call timeout passed)");
        }
    }

    private static StepError error(RunRow row) {
        if (row.error() == null) {
            return new StepError("unknown", "The called run failed", false);
        }
        return new StepError(row.error().path("type").asString("unknown"), row.error().path("message").asString(""), false);
    }
}
