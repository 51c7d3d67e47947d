package dev.braid.app.jobs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.audit.AuditTrail;
import dev.braid.app.queue.Redrive;
import dev.braid.app.queue.RunActions;
import dev.braid.app.refusal.Invalid;
import dev.braid.app.refusal.Refused;
import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.Ids;
import dev.braid.app.store.RunStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts bulk jobs and does their items. Starting one resolves its selection — the ids given, or every
 * dead letter or run matching a list filter, up to {@code braid.jobs.max-items} — into numbered items, in
 * one transaction with the job. Each item is done by the action's own code path ({@link Redrive},
 * {@link RunActions}) inside a transaction that also records the item's outcome, so an item is either
 * done and marked, or neither: a job taken over after a crash does the rest, and nothing twice.
 */
@Service
public class BulkJobs {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Ids are resolved from a filter in pages of this many. */
    private static final int RESOLVE_PAGE = 5000;

    /** What is selected: explicit ids, or a filter of the dead-letter or run list. */
    public sealed interface Selection {
        record Ids(List<UUID> ids) implements Selection {}

        record DeadLetters(DeadLetterStore.DeadLetterFilter filter) implements Selection {}

        record Runs(RunStore.RunFilter filter) implements Selection {}
    }

    private final BulkJobStore jobs;
    private final DeadLetterStore deadLetters;
    private final RunStore runs;
    private final Redrive redrive;
    private final RunActions runActions;
    private final AuditTrail audit;
    private final JobSettings settings;
    private final TransactionTemplate tx;

    public BulkJobs(BulkJobStore jobs, DeadLetterStore deadLetters, RunStore runs, Redrive redrive, RunActions runActions,
                    AuditTrail audit, JobSettings settings, PlatformTransactionManager transactions) {
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        this.runs = runs;
        this.redrive = redrive;
        this.runActions = runActions;
        this.audit = audit;
        this.settings = settings;
        this.tx = new TransactionTemplate(transactions);
    }

    /**
     * Records the job and its items; the worker does them. {@code options}: {@code {from, version}} of a
     * replay (already checked by the caller); {@code asked}: the selection as the caller wrote it, kept for
     * display. Refused when nothing is selected.
     */
    public BulkJobStore.Job start(BulkAction action, ObjectNode options, Selection selection, JsonNode asked, String user) {
        Resolved resolved = resolve(action, selection);
        if (resolved.ids().isEmpty()) {
            throw invalid(selection instanceof Selection.Ids ? "ids" : "filter", "Nothing to do: "
                    + (selection instanceof Selection.Ids ? "no ids were given"
                    : "no " + (action.target() == BulkAction.Target.RUN ? "run" : "dead letter") + " matches the filter"));
        }
        ObjectNode kept = asked == null || !asked.isObject() ? NODES.objectNode() : ((ObjectNode) asked).deepCopy();
        kept.put("capped", resolved.capped());
        UUID id = Ids.next();
        tx.executeWithoutResult(s -> jobs.insert(id, action, options, kept, resolved.ids(), user));
        return jobs.find(id).orElseThrow();
    }

    private record Resolved(List<UUID> ids, boolean capped) {}

    private Resolved resolve(BulkAction action, Selection selection) {
        int max = settings.maxItems();
        return switch (selection) {
            case Selection.Ids given -> {
                List<UUID> ids = List.copyOf(new LinkedHashSet<>(given.ids()));
                if (ids.size() > max) {
                    throw invalid("ids", "A job takes at most " + max + " ids; " + ids.size() + " were given. Split them, "
                            + "or select them by a filter");
                }
                yield new Resolved(ids, false);
            }
            case Selection.DeadLetters f -> {
                requireTarget(action, BulkAction.Target.DEAD_LETTER);
                yield page(max, (before, n) -> deadLetters.ids(f.filter(), before, n));
            }
            case Selection.Runs f -> {
                requireTarget(action, BulkAction.Target.RUN);
                yield page(max, (before, n) -> runs.ids(f.filter(), before, n));
            }
        };
    }

    private static void requireTarget(BulkAction action, BulkAction.Target target) {
        if (action.target() != target) {
            throw invalid("filter", "'" + action.wire() + "' acts on "
                    + action.target().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "s; its filter is that list's");
        }
    }

    private static Invalid invalid(String field, String detail) {
        return Invalid.errors(detail, List.of(java.util.Map.of("path", field, "message", detail)));
    }

    private interface IdPage {
        List<UUID> ids(UUID before, int limit);
    }

    /** Newest first, page after page, up to {@code max}; capped when more matched. */
    private static Resolved page(int max, IdPage source) {
        List<UUID> out = new ArrayList<>();
        UUID before = null;
        while (true) {
            int want = Math.min(RESOLVE_PAGE, max + 1 - out.size());
            List<UUID> page = source.ids(before, want);
            out.addAll(page);
            if (page.size() < want || out.size() > max) {
                break;
            }
            before = page.getLast();
        }
        boolean capped = out.size() > max;
        return new Resolved(capped ? List.copyOf(out.subList(0, max)) : out, capped);
    }

    /**
     * Does one item unless it was done already (another node, before a crash). A refusal of the action
     * (a discarded dead letter, a run that ended meanwhile) is the item's failure with its sentence; the
     * action's writes are rolled back with it.
     */
    public void doItem(BulkJobStore.Job job, BulkJobStore.Item item) {
        try {
            tx.executeWithoutResult(s -> {
                if (jobs.lockPending(job.id(), item.seq())) {
                    jobs.succeeded(job.id(), item.seq(), act(job, item.targetId()));
                }
            });
        } catch (Refused e) {
            fail(job, item, e.kind(), e.getMessage());
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e; // the node is stopping: the item stays pending for whoever goes on
            }
            fail(job, item, "error", "The " + job.action().wire() + " of " + item.targetId() + " failed: " + e.getMessage());
        }
    }

    private void fail(BulkJobStore.Job job, BulkJobStore.Item item, String kind, String detail) {
        ObjectNode problem = NODES.objectNode().put("kind", kind).put("detail", detail);
        tx.executeWithoutResult(s -> jobs.failed(job.id(), item.seq(), problem));
    }

    /** The item's action through its one code path; the run it started, if any. */
    private UUID act(BulkJobStore.Job job, UUID target) {
        String user = job.createdBy();
        return switch (job.action()) {
            case REPLAY_DEAD_LETTERS -> redrive.replay(target, from(job.options()), version(job.options()), null, user).runId();
            case DISCARD_DEAD_LETTERS -> {
                redrive.discard(target);
                yield null;
            }
            case RETRY_RUNS -> runActions.retry(target, user).id();
            case CANCEL_RUNS -> {
                runActions.cancel(target, user);
                yield null;
            }
        };
    }

    /** Finishes the job when nothing is pending, with an audit line of what it did. */
    public boolean finishIfDone(BulkJobStore.Job job) {
        boolean finished = Boolean.TRUE.equals(tx.execute(s -> jobs.finishIfDone(job.id())));
        if (finished) {
            BulkJobStore.Job done = jobs.find(job.id()).orElseThrow();
            audit.record(done.createdBy(), "JOB FINISHED " + done.action().wire(), "/api/v1/jobs/" + done.id()
                    + " (" + done.succeeded() + " succeeded, " + done.failed() + " failed of " + done.total() + ")", 200);
        }
        return finished;
    }

    private static Redrive.From from(JsonNode options) {
        return Redrive.From.fromWire(options.path("from").asString("failed-step")).orElse(Redrive.From.FAILED_STEP);
    }

    private static Integer version(JsonNode options) {
        JsonNode v = options.path("version");
        return v.isIntegralNumber() ? v.asInt() : null;
    }
}
