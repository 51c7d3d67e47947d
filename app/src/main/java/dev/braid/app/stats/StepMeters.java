package dev.braid.app.stats;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Step;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.StepStatus;

/**
 * {@code braid_step_duration_seconds{action}} and {@code braid_step_attempts_total{action,outcome}} for
 * one run: a step record that ends (succeeded or failed) is counted under the action its path names in
 * the recipe ({@code lines[2].reserve} → the action of {@code lines.reserve}). Steps without an action
 * ({@code if}, {@code foreach}, {@code stop}, {@code fail}, {@code call}) are not counted.
 */
public final class StepMeters {

    private static final Pattern ITERATION = Pattern.compile("\\[\\d+]");

    private final Map<String, String> actionByPath;
    private final RunMetrics metrics;

    public StepMeters(Recipe recipe, RunMetrics metrics) {
        this.actionByPath = new HashMap<>();
        this.metrics = metrics;
        collect("", recipe.steps());
    }

    private void collect(String prefix, List<Step> steps) {
        for (Step step : steps) {
            String path = prefix + step.id();
            switch (step) {
                case Step.ActionStep a -> actionByPath.put(path, a.action());
                case Step.IfStep i -> {
                    collect(path + ".", i.then());
                    collect(path + ".", i.otherwise());
                }
                case Step.ForeachStep f -> collect(path + ".", f.steps());
                default -> { }
            }
        }
    }

    /** Counts the record if it ends an action step. */
    public void recorded(StepRecord record) {
        if (record.status() != StepStatus.SUCCEEDED && record.status() != StepStatus.FAILED) {
            return;
        }
        String action = actionByPath.get(ITERATION.matcher(record.path()).replaceAll(""));
        if (action == null) {
            return;
        }
        Duration took = record.startedAt() == null || record.finishedAt() == null
                ? Duration.ZERO : Duration.between(record.startedAt(), record.finishedAt());
        metrics.step(action, record.status().name().toLowerCase(java.util.Locale.ROOT), record.attempts(), took);
    }
}
