package dev.braid.engine.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code foreach}: evaluate the items, group them by {@code chunk}, run the body once per item (or
 * chunk) under {@code <foreachId>[<index>].}, up to {@code parallel} at once on virtual threads. The
 * foreach's output is the array of each iteration's result (the output of the last step that ran in
 * it), in item order whatever order they finished in.
 *
 * <p>The first iteration (in item order) that ends the run (fail, retry, stop) ends the foreach; no
 * further iteration starts, the ones already running finish.
 *
 * <p>Journal records (not durable): RUNNING with input {@code {items: <count>}} before the first
 * iteration, RUNNING again with output {@code {progress: {done, total}}} (items, not chunks) after each
 * iteration — written with the next durable checkpoint, so a long bulk load shows how far it is —
 * and SUCCEEDED with the output array after the last (or FAILED/RETRYING when an iteration ended the
 * run). A resumed run walks every iteration again, so each child is looked up and only what is not
 * done yet runs.
 */
final class ForeachStepRunner {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Walk walk;

    ForeachStepRunner(Walk walk) {
        this.walk = walk;
    }

    Flow run(Step.ForeachStep step, String path, Scope scope, Optional<StepRecord> previous) {
        boolean finished = previous.map(r -> r.status() == StepStatus.SUCCEEDED).orElse(false);
        int attempt = Walk.attemptAfter(previous);
        Instant startedAt = walk.now();
        List<JsonNode> items;
        try {
            items = items(walk.expressions.evaluate(step.items(), scope.context()));
        } catch (ExpressionException e) {
            return walk.failed(path, attempt, null, startedAt, new StepError("expression", e.getMessage(), false), false);
        }
        ObjectNode input = NODES.objectNode().put("items", items.size());
        if (!finished) {
            walk.checkpoints.record(new StepRecord(path, StepStatus.RUNNING, attempt, input, null, null, startedAt, null), false);
        }
        List<JsonNode> iterations = chunks(items, step.chunk());
        Progress progress = finished ? null : new Progress(path, attempt, input, startedAt, items.size(), step.chunk() > 0);
        Flow[] results = step.parallel() > 1 && iterations.size() > 1
                ? parallel(step, path, scope, iterations, progress)
                : sequential(step, path, scope, iterations, progress);

        ArrayNode output = NODES.arrayNode();
        Flow.End end = null;
        for (Flow result : results) {
            if (result == null) {
                break;
            }
            switch (result) {
                case Flow.Next next -> output.add(next.output());
                case Flow.End e -> {
                    output.add(e.outcome() instanceof RunOutcome.Succeeded s ? s.output() : NullNode.getInstance());
                    // A failure elsewhere outranks a retry or a wait: the run fails rather than parking with a failed iteration.
                    boolean failureOverOther = end != null && e.outcome() instanceof RunOutcome.Failed
                            && !(end.outcome() instanceof RunOutcome.Failed);
                    end = end == null || failureOverOther ? e : end;
                }
            }
        }
        if (end != null) {
            if (!finished) {
                walk.closeContainer(path, attempt, input, output, startedAt, end);
            }
            return end;
        }
        if (!finished) {
            walk.checkpoints.record(new StepRecord(path, StepStatus.SUCCEEDED, attempt, input, output, null, startedAt, walk.now()), false);
        }
        return new Flow.Next(output);
    }

    /** An array is the items; a single value is one item; undefined or null is none. */
    private static List<JsonNode> items(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return List.of();
        }
        if (value.isArray()) {
            List<JsonNode> items = new ArrayList<>(value.size());
            value.values().forEach(items::add);
            return items;
        }
        return List.of(value);
    }

    /** With {@code chunk: N} each iteration gets an array of up to N items. */
    private static List<JsonNode> chunks(List<JsonNode> items, int chunk) {
        if (chunk <= 0) {
            return items;
        }
        List<JsonNode> chunks = new ArrayList<>((items.size() + chunk - 1) / chunk);
        for (int from = 0; from < items.size(); from += chunk) {
            ArrayNode group = NODES.arrayNode();
            items.subList(from, Math.min(from + chunk, items.size())).forEach(group::add);
            chunks.add(group);
        }
        return chunks;
    }

    private Flow iteration(Step.ForeachStep step, String path, Scope inner, int index) {
        return walk.steps(step.steps(), path + "[" + index + "].", inner);
    }

    /** Items done out of the total, recorded after each iteration; done only grows, whatever order iterations end in. */
    private final class Progress {
        private final String path;
        private final int attempt;
        private final ObjectNode input;
        private final Instant startedAt;
        private final int total;
        private final boolean chunked;
        private int done;

        Progress(String path, int attempt, ObjectNode input, Instant startedAt, int total, boolean chunked) {
            this.path = path;
            this.attempt = attempt;
            this.input = input;
            this.startedAt = startedAt;
            this.total = total;
            this.chunked = chunked;
        }

        synchronized void iterationDone(JsonNode iteration) {
            done += iteration.isArray() && chunked ? iteration.size() : 1;
            ObjectNode output = NODES.objectNode();
            output.putObject("progress").put("done", done).put("total", total);
            walk.checkpoints.record(new StepRecord(path, StepStatus.RUNNING, attempt, input, output, null, startedAt, null), false);
        }
    }

    private static void done(Progress progress, JsonNode iteration, Flow flow) {
        if (progress != null && flow instanceof Flow.Next) {
            progress.iterationDone(iteration);
        }
    }

    private Flow[] sequential(Step.ForeachStep step, String path, Scope scope, List<JsonNode> iterations, Progress progress) {
        Flow[] results = new Flow[iterations.size()];
        for (int i = 0; i < iterations.size(); i++) {
            results[i] = iteration(step, path, scope.iteration(step.as(), iterations.get(i)), i);
            done(progress, iterations.get(i), results[i]);
            if (results[i] instanceof Flow.End) {
                break;
            }
        }
        return results;
    }

    /**
     * Up to {@code parallel} iterations at once, each on its own virtual thread. An iteration that
     * ends the run stops new ones from starting; the executor's close waits for those under way, so
     * none is left running behind the run's back. Unstarted iterations stay null.
     */
    private Flow[] parallel(Step.ForeachStep step, String path, Scope scope, List<JsonNode> iterations, Progress progress) {
        Flow[] results = new Flow[iterations.size()];
        List<Future<?>> started = new ArrayList<>();
        Semaphore permits = new Semaphore(step.parallel());
        AtomicBoolean stop = new AtomicBoolean();
        boolean interrupted = false;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < iterations.size() && !stop.get(); i++) {
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
                if (stop.get()) {
                    break;
                }
                int index = i;
                // Copied here, not in the task: the parent scope is only ever touched by this thread.
                Scope inner = scope.iteration(step.as(), iterations.get(i));
                started.add(threads.submit(() -> {
                    try {
                        Flow flow = iteration(step, path, inner, index);
                        results[index] = flow;
                        done(progress, iterations.get(index), flow);
                        if (flow instanceof Flow.End) {
                            stop.set(true);
                        }
                    } catch (RuntimeException | Error e) {
                        stop.set(true);
                        throw e;
                    } finally {
                        permits.release();
                    }
                    return null;
                }));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Run " + walk.request.runId() + " was interrupted in foreach '" + path + "'");
        }
        for (Future<?> future : started) {
            // Every task is done (the executor is closed): get() only hands over results and failures.
            try {
                future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Run " + walk.request.runId() + " was interrupted in foreach '" + path + "'");
            }
        }
        return results;
    }
}
