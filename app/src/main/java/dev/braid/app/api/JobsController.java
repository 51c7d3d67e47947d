package dev.braid.app.api;

import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.audit.AuditTrail;
import dev.braid.app.jobs.BulkAction;
import dev.braid.app.jobs.BulkJobStore;
import dev.braid.app.jobs.BulkJobs;
import dev.braid.app.store.RunStore;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tracked bulk jobs (issue 16): start one ({@code POST /api/v1/jobs}), follow it, list them. A job replays
 * or discards dead letters or retries or cancels runs, selected by ids or by the filter of their list,
 * in the background; each item's outcome is kept, a failed one with the problem that refused it.
 */
@RestController
@RequestMapping("/api/v1/jobs")
public class JobsController {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** How many failed items a job's answer shows; the rest are paged at {@code /items?status=failed}. */
    private static final int FAILURES_SHOWN = 100;

    private final BulkJobs jobs;
    private final BulkJobStore store;

    public JobsController(BulkJobs jobs, BulkJobStore store) {
        this.jobs = jobs;
        this.store = store;
    }

    /**
     * {@code {action, ids: […] | filter: {…}, from, version}} → 202 the job. {@code action}: one of
     * {@link BulkAction#names()}; {@code filter}: the list's parameters ({@code recipe, status, errorType,
     * from, to} of dead letters, status {@code open} unless given; {@code recipe, status, from, to, key.<name>}
     * of runs); {@code from} and {@code version}: a replay's, as for one dead letter.
     */
    @PostMapping
    public ResponseEntity<ObjectNode> start(@RequestBody(required = false) JsonNode body, Principal user,
                                            HttpServletRequest http) {
        JsonNode request = body == null || !body.isObject() ? NODES.objectNode() : body;
        String wire = DeadLettersController.text(request, "action");
        BulkAction action = BulkAction.fromWire(wire == null ? "" : wire).orElseThrow(() -> ApiException.badParameter("action",
                wire == null ? "'action' is required: one of " + BulkAction.names()
                        : "'" + wire + "' is not a bulk action; use one of " + BulkAction.names()));
        boolean hasIds = request.has("ids") && !request.get("ids").isNull();
        boolean hasFilter = request.has("filter") && !request.get("filter").isNull();
        if (hasIds == hasFilter) {
            throw ApiException.badParameter(hasIds ? "filter" : "ids", "Give either 'ids' (the items to act on) or "
                    + "'filter' (every item matching it), not " + (hasIds ? "both" : "neither"));
        }
        ObjectNode options = NODES.objectNode();
        if (action == BulkAction.REPLAY_DEAD_LETTERS) {
            options.put("from", DeadLettersController.from(request).wire());
            Integer version = DeadLettersController.version(request);
            if (version != null) {
                options.put("version", version);
            }
        }
        BulkJobs.Selection selection;
        ObjectNode asked = NODES.objectNode();
        if (hasIds) {
            selection = new BulkJobs.Selection.Ids(ids(request.get("ids")));
            asked.put("ids", request.get("ids").size());
        } else {
            JsonNode filter = request.get("filter");
            if (!filter.isObject()) {
                throw ApiException.badParameter("filter", "'filter' must be an object of the list's parameters, e.g. "
                        + "{\"recipe\": \"orders\", \"errorType\": \"http.status\"}");
            }
            selection = action.target() == BulkAction.Target.DEAD_LETTER
                    ? new BulkJobs.Selection.DeadLetters(DeadLettersController.filter(filter))
                    : new BulkJobs.Selection.Runs(runFilter(filter));
            asked.set("filter", filter);
        }
        BulkJobStore.Job job = jobs.start(action, options, selection, asked, DeadLettersController.name(user));
        http.setAttribute(AuditTrail.TARGET, "/api/v1/jobs/" + job.id());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(view(job, List.of()));
    }

    @GetMapping
    public Paging.Page<ObjectNode> list(@RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String cursor) {
        int n = Paging.limit(limit);
        String key = Paging.key(cursor);
        UUID before = key == null ? null : uuid(key, () -> Paging.invalidCursor());
        return Paging.page(store.list(before, n + 1), n, job -> view(job, null), job -> job.id().toString());
    }

    /** The job with its counts and its first failed items ({@code failures}). */
    @GetMapping("/{id}")
    public ObjectNode get(@PathVariable String id) {
        BulkJobStore.Job job = existing(id);
        return view(job, store.items(job.id(), "failed", 0, FAILURES_SHOWN));
    }

    /** The job's items in order, {@code status} pending | succeeded | failed; the cursor is the last item's number. */
    @GetMapping("/{id}/items")
    public Paging.Page<ObjectNode> items(@PathVariable String id, @RequestParam(required = false) String status,
                                         @RequestParam(required = false) Integer limit,
                                         @RequestParam(required = false) String cursor) {
        BulkJobStore.Job job = existing(id);
        if (status != null && !List.of("pending", "succeeded", "failed").contains(status)) {
            throw ApiException.badParameter("status", "'" + status + "' is not an item status; use one of pending, "
                    + "succeeded, failed");
        }
        int n = Paging.limit(limit);
        String key = Paging.key(cursor);
        int after;
        try {
            after = key == null ? 0 : Integer.parseInt(key);
        } catch (NumberFormatException e) {
            throw Paging.invalidCursor();
        }
        return Paging.page(store.items(job.id(), status, after, n + 1), n, JobsController::item, i -> String.valueOf(i.seq()));
    }

    private BulkJobStore.Job existing(String id) {
        UUID jobId = uuid(id, () -> ApiException.badParameter("id", "'" + id + "' is not a job id; job ids are UUIDs "
                + "such as 0190f3a4-7b1c-7d2e-9f00-1234567890ab"));
        return store.find(jobId).orElseThrow(() -> ApiException.notFound("No job '" + id + "' exists"));
    }

    private static UUID uuid(String text, java.util.function.Supplier<ApiException> bad) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw bad.get();
        }
    }

    private static List<UUID> ids(JsonNode ids) {
        if (!ids.isArray()) {
            throw ApiException.badParameter("ids", "'ids' must be an array of ids, e.g. [\"0190f3a4-7b1c-7d2e-9f00-1234567890ab\"]");
        }
        List<UUID> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String text = ids.get(i).asString("");
            int index = i;
            out.add(uuid(text, () -> ApiException.badParameter("ids[" + index + "]", "'" + text + "' (ids[" + index
                    + "]) is not an id; ids are UUIDs such as 0190f3a4-7b1c-7d2e-9f00-1234567890ab")));
        }
        return out;
    }

    /** The run list's parameters as a JSON object: recipe, status, from, to, key.<name>. */
    private static RunStore.RunFilter runFilter(JsonNode f) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : f.properties()) {
            if (field.getKey().startsWith("key.")) {
                keys.put(field.getKey(), field.getValue().asString(""));
            }
        }
        return new RunStore.RunFilter(DeadLettersController.text(f, "recipe"),
                RunsController.status(DeadLettersController.text(f, "status")),
                RunsController.instant("filter.from", DeadLettersController.text(f, "from")),
                RunsController.instant("filter.to", DeadLettersController.text(f, "to")), RunsController.keys(keys));
    }

    /** {@code failures} null: the list's shape, without them. */
    static ObjectNode view(BulkJobStore.Job job, List<BulkJobStore.Item> failures) {
        ObjectNode out = NODES.objectNode();
        out.put("id", job.id().toString());
        out.put("action", job.action().wire());
        out.set("options", job.options());
        out.set("selection", job.selection());
        out.put("status", job.status());
        out.put("total", job.total());
        out.put("done", job.done());
        out.put("succeeded", job.succeeded());
        out.put("failed", job.failed());
        out.put("createdBy", job.createdBy());
        out.put("createdAt", RunView.text(job.createdAt()));
        out.put("finishedAt", RunView.text(job.finishedAt()));
        if (failures != null) {
            ArrayNode list = out.putArray("failures");
            failures.forEach(i -> list.add(item(i)));
        }
        return out;
    }

    static ObjectNode item(BulkJobStore.Item item) {
        ObjectNode out = NODES.objectNode();
        out.put("seq", item.seq());
        out.put("targetId", item.targetId().toString());
        out.put("status", item.status());
        out.put("resultId", RunView.text(item.resultId()));
        if (item.problem() != null && item.problem().isObject()) {
            String kind = item.problem().path("kind").asString("error");
            ObjectNode problem = out.putObject("problem");
            problem.put("status", ProblemAdvice.status(kind).value());
            problem.put("detail", item.problem().path("detail").asString(""));
        } else {
            out.putNull("problem");
        }
        out.put("doneAt", RunView.text(item.doneAt()));
        return out;
    }
}
