package dev.braid.app.api;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.queue.Redrive;
import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.DeadLetterStore.DeadLetterFilter;
import dev.braid.app.store.DeadLetterStore.DeadLetterRow;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dead letters (ARCHITECTURE §3, §4): list and read them, replay one or many (from the failed step or from
 * the trigger, onto a chosen version, optionally with an edited payload), discard one.
 */
@RestController
@RequestMapping("/api/v1/dead-letters")
public class DeadLettersController {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> STATUSES = Set.of("open", "replayed", "discarded");
    private static final int BULK_DEFAULT = 100;
    private static final int BULK_MAX = 1000;

    private final DeadLetterStore deadLetters;
    private final Redrive redrive;

    public DeadLettersController(DeadLetterStore deadLetters, Redrive redrive) {
        this.deadLetters = deadLetters;
        this.redrive = redrive;
    }

    @GetMapping
    public Paging.Page<ObjectNode> list(@RequestParam(required = false) String recipe,
                                        @RequestParam(required = false) String status,
                                        @RequestParam(required = false) String errorType,
                                        @RequestParam(required = false) String from,
                                        @RequestParam(required = false) String to,
                                        @RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String cursor) {
        int n = Paging.limit(limit);
        UUID before = null;
        String key = Paging.key(cursor);
        if (key != null) {
            try {
                before = UUID.fromString(key);
            } catch (IllegalArgumentException e) {
                throw Paging.invalidCursor();
            }
        }
        DeadLetterFilter filter = new DeadLetterFilter(RunsController.blankToNull(recipe), status(status, null),
                RunsController.blankToNull(errorType), RunsController.instant("from", from),
                RunsController.instant("to", to));
        List<DeadLetterRow> rows = deadLetters.list(filter, before, n + 1);
        return Paging.page(rows, n, DeadLettersController::view, r -> r.id().toString());
    }

    @GetMapping("/{id}")
    public ObjectNode get(@PathVariable String id) {
        return view(existing(id));
    }

    /** {@code {from, version, payload}}, all optional → 202 {@code {runId, deadLetterId}}. */
    @PostMapping("/{id}/replay")
    public ResponseEntity<ObjectNode> replay(@PathVariable String id, @RequestBody(required = false) JsonNode body,
                                             Principal user) {
        UUID deadLetterId = id(id);
        JsonNode request = body == null || body.isNull() ? NODES.objectNode() : body;
        JsonNode payload = request.has("payload") ? request.get("payload") : null;
        Redrive.Replayed replayed = redrive.replay(deadLetterId, from(request), version(request), payload, name(user));
        ObjectNode out = NODES.objectNode();
        out.put("runId", replayed.runId().toString());
        out.put("deadLetterId", replayed.deadLetterId().toString());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(out);
    }

    /** {@code {filter: {recipe, status (open), errorType, from, to}, from, version, limit (100, at most 1000)}}. */
    @PostMapping("/replay")
    public ResponseEntity<ObjectNode> replayAll(@RequestBody(required = false) JsonNode body, Principal user) {
        JsonNode request = body == null || body.isNull() ? NODES.objectNode() : body;
        DeadLetterFilter filter = filter(request.path("filter"));
        int limit = BULK_DEFAULT;
        if (request.hasNonNull("limit")) {
            if (!request.get("limit").isIntegralNumber() || request.get("limit").asInt() < 1
                    || request.get("limit").asInt() > BULK_MAX) {
                throw ApiException.badParameter("limit", "'limit' must be a whole number between 1 and " + BULK_MAX);
            }
            limit = request.get("limit").asInt();
        }
        Redrive.Bulk bulk = redrive.replayAll(filter, limit, from(request), version(request), name(user));
        ObjectNode out = NODES.objectNode();
        out.put("replayed", bulk.runs().size());
        ArrayNode runs = out.putArray("runs");
        bulk.runs().forEach(r -> runs.addObject().put("deadLetterId", r.deadLetterId().toString())
                .put("runId", r.runId().toString()));
        ArrayNode skipped = out.putArray("skipped");
        bulk.skipped().forEach(s -> skipped.addObject().put("deadLetterId", s.deadLetterId().toString())
                .put("reason", s.reason()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(out);
    }

    /** Marks the dead letter discarded; it stays listed. Idempotent. */
    @DeleteMapping("/{id}")
    public ObjectNode discard(@PathVariable String id) {
        return view(redrive.discard(id(id)));
    }

    /** A bulk request's {@code filter: {recipe, status (open), errorType, from, to}}. */
    static DeadLetterFilter filter(JsonNode f) {
        return new DeadLetterFilter(text(f, "recipe"), status(text(f, "status"), "open"),
                text(f, "errorType"), RunsController.instant("filter.from", text(f, "from")),
                RunsController.instant("filter.to", text(f, "to")));
    }

    static ObjectNode view(DeadLetterRow row) {
        ObjectNode out = NODES.objectNode();
        out.put("id", row.id().toString());
        out.put("runId", RunView.text(row.runId()));
        out.put("recipe", row.recipe());
        out.put("step", row.step());
        out.set("error", row.error() == null ? NODES.nullNode() : row.error());
        out.set("payload", row.payload() == null ? NODES.nullNode() : row.payload());
        out.put("status", row.status());
        out.put("createdAt", RunView.text(row.createdAt()));
        JsonNode replays = row.replays() == null ? NODES.arrayNode() : row.replays();
        out.put("replayRunId", replays.isArray() && !replays.isEmpty()
                ? replays.get(replays.size() - 1).path("runId").asString(null) : null);
        out.set("replays", replays);
        return out;
    }

    static String name(Principal user) {
        return user == null ? null : user.getName();
    }

    private DeadLetterRow existing(String id) {
        UUID deadLetterId = id(id);
        return deadLetters.find(deadLetterId)
                .orElseThrow(() -> ApiException.notFound("No dead letter '" + id + "' exists"));
    }

    private static UUID id(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("id", "'" + id + "' is not a dead letter id; ids are UUIDs such as "
                    + "0190f3a4-7b1c-7d2e-9f00-1234567890ab");
        }
    }

    private static String status(String status, String fallback) {
        if (status == null || status.isBlank()) {
            return fallback;
        }
        if (!STATUSES.contains(status.strip())) {
            throw ApiException.badParameter("status", "'" + status + "' is not a dead letter status; use one of "
                    + "open, replayed, discarded");
        }
        return status.strip();
    }

    static Redrive.From from(JsonNode request) {
        JsonNode from = request.path("from");
        if (from.isMissingNode() || from.isNull()) {
            return Redrive.From.FAILED_STEP;
        }
        return Redrive.From.fromWire(from.asString("")).orElseThrow(() -> ApiException.badParameter("from",
                "'from' must be \"failed-step\" (resume after the finished steps) or \"trigger\" (run all steps again)"));
    }

    static Integer version(JsonNode request) {
        JsonNode version = request.path("version");
        if (version.isMissingNode() || version.isNull()) {
            return null;
        }
        if (!version.isIntegralNumber() || version.asInt() < 1) {
            throw ApiException.badParameter("version", "'version' must be a recipe version number (1, 2, …); "
                    + "leave it out for the recipe's current version");
        }
        return version.asInt();
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : RunsController.blankToNull(value.asString(""));
    }
}
