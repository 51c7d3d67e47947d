package dev.braid.app.api;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.braid.app.store.RunLogStore;
import dev.braid.app.store.RunRow;
import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.StepError;
import dev.braid.engine.run.StepRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The run shape of ARCHITECTURE §4 in one place — run history, test runs and sync webhook answers all
 * render runs through here:
 *
 * <pre>{@code
 * {"id", "recipe", "recipeVersion", "status", "origin", "replayOf", "eventId", "attempt", "createdAt",
 *  "startedAt", "finishedAt", "nextAttemptAt", "output", "error": {"type", "message", ...} | null,
 *  "deadLetterId", "waitReason", "parentRunId", "keys": {name: value},
 *  "replays", "children" (one run's answer: [{id, recipe, status, origin, createdAt}]), "steps": [{"path", "status", "attempts", "input", "output", "error", "startedAt", "finishedAt"}]}
 * }</pre>
 *
 * Every member is present, null when it does not apply. Times are ISO-8601 instants.
 */
public final class RunView {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RunView() {}

    /** A run without its steps (list items). */
    public static ObjectNode summary(RunRow run) {
        ObjectNode out = NODES.objectNode();
        out.put("id", run.id().toString());
        out.put("recipe", run.recipe());
        out.put("recipeVersion", run.recipeVersion());
        out.put("status", run.status().wire());
        out.put("origin", run.origin());
        out.put("replayOf", text(run.replayOf()));
        out.put("eventId", text(run.eventId()));
        out.put("attempt", run.attempt());
        out.put("createdAt", text(run.createdAt()));
        out.put("startedAt", text(run.startedAt()));
        out.put("finishedAt", text(run.finishedAt()));
        boolean waitingForAttempt = run.status() == RunStatus.QUEUED || run.status() == RunStatus.RETRYING
                || run.status() == RunStatus.WAITING && run.nextAttemptAt() != null
                        && run.nextAttemptAt().isBefore(Instant.parse("9999-01-01T00:00:00Z")); // waiting until woken: infinity
        out.put("nextAttemptAt", waitingForAttempt ? text(run.nextAttemptAt()) : null);
        out.set("output", orNull(run.output()));
        out.set("error", orNull(run.error()));
        out.put("deadLetterId", text(run.deadLetterId()));
        out.put("waitReason", run.waitReason());
        out.put("parentRunId", text(run.parentRunId()));
        // Business keys (the recipe's index:): {name: value}, {} when none were stored.
        out.set("keys", run.keys() == null || !run.keys().isObject() ? NODES.objectNode() : run.keys());
        return out;
    }

    /** A run with its trigger and its steps in execution order. */
    public static ObjectNode detail(RunRow run, Collection<StepRecord> steps) {
        ObjectNode out = summary(run);
        out.set("trigger", orNull(run.trigger()));
        out.set("steps", steps(steps));
        return out;
    }

    /** Other runs a run links to (its replays, its children): {@code [{id, recipe, status, origin, createdAt}]}. */
    public static ArrayNode links(Collection<RunRow> runs) {
        ArrayNode out = NODES.arrayNode();
        for (RunRow r : runs) {
            out.addObject().put("id", r.id().toString()).put("recipe", r.recipe()).put("status", r.status().wire())
                    .put("origin", r.origin()).put("createdAt", text(r.createdAt()));
        }
        return out;
    }

    public static ArrayNode steps(Collection<StepRecord> steps) {
        ArrayNode out = NODES.arrayNode();
        steps.forEach(s -> out.add(step(s)));
        return out;
    }

    public static ObjectNode step(StepRecord step) {
        ObjectNode out = NODES.objectNode();
        out.put("path", step.path());
        out.put("status", step.status().wire());
        out.put("attempts", step.attempts());
        out.set("input", orNull(step.input()));
        out.set("output", orNull(step.output()));
        out.set("error", step.error() == null ? NODES.nullNode() : stepError(step.error()));
        out.put("startedAt", text(step.startedAt()));
        out.put("finishedAt", text(step.finishedAt()));
        return out;
    }

    public static ObjectNode stepError(StepError error) {
        ObjectNode out = NODES.objectNode();
        out.put("type", error.type());
        out.put("message", error.message());
        out.put("retryable", error.retryable());
        return out;
    }

    /** A run's error as the runs table keeps it: {@code {type, message, step}}. */
    public static ObjectNode runError(String stepPath, StepError error) {
        ObjectNode out = NODES.objectNode();
        out.put("type", error.type());
        out.put("message", error.message());
        if (stepPath != null) {
            out.put("step", stepPath);
        }
        return out;
    }

    /** {@code {items: [{step, level, message, at}]}}. */
    public static ObjectNode logs(List<RunLogStore.LogLine> lines) {
        ObjectNode out = NODES.objectNode();
        out.set("items", logLines(lines));
        return out;
    }

    public static ArrayNode logLines(List<RunLogStore.LogLine> lines) {
        ArrayNode items = NODES.arrayNode();
        for (RunLogStore.LogLine line : lines) {
            ObjectNode item = items.addObject();
            item.put("step", line.stepPath());
            item.put("level", line.level());
            item.put("message", line.message());
            item.put("at", text(line.at()));
        }
        return items;
    }

    static String text(UUID id) {
        return id == null ? null : id.toString();
    }

    static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private static JsonNode orNull(JsonNode node) {
        return node == null || node.isMissingNode() ? NODES.nullNode() : node;
    }
}
