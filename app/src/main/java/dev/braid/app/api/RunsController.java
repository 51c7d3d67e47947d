package dev.braid.app.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import java.security.Principal;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.queue.RunActions;
import dev.braid.app.store.RunLogStore;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.app.store.StepStore;
import dev.braid.engine.run.RunStatus;
import tools.jackson.databind.node.ObjectNode;

/** Run history (ARCHITECTURE §4): the newest runs first, filtered; one run with its steps; its log lines. */
@RestController
@RequestMapping("/api/v1/runs")
public class RunsController {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final String KEY_PREFIX = "key.";
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    /** How many replays and children a run's answer lists. */
    private static final int RELATED_SHOWN = 100;

    private final RunStore runs;
    private final StepStore steps;
    private final RunLogStore logs;
    private final RunActions actions;

    public RunsController(RunStore runs, StepStore steps, RunLogStore logs, RunActions actions) {
        this.runs = runs;
        this.steps = steps;
        this.logs = logs;
        this.actions = actions;
    }

    /** Operator retry: a failed, retrying or waiting run is queued now (ARCHITECTURE §4). */
    @PostMapping("/{id}/retry")
    public ObjectNode retry(@PathVariable String id, Principal user) {
        UUID runId = runId(id);
        return RunView.summary(actions.retry(runId, DeadLettersController.name(user)));
    }

    /** Operator cancel: a queued, retrying, waiting or running run and its unfinished child runs end cancelled. */
    @PostMapping("/{id}/cancel")
    public ObjectNode cancel(@PathVariable String id, Principal user) {
        UUID runId = runId(id);
        return RunView.summary(actions.cancel(runId, DeadLettersController.name(user)));
    }

    @GetMapping
    public Paging.Page<ObjectNode> list(@RequestParam(required = false) String recipe,
                                        @RequestParam(required = false) String status,
                                        @RequestParam(required = false) String from,
                                        @RequestParam(required = false) String to,
                                        @RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String cursor,
                                        @RequestParam Map<String, String> parameters) {
        int n = Paging.limit(limit);
        UUID before = null;
        String key = Paging.key(cursor);
        if (key != null) {
            if (!UUID_TEXT.matcher(key).matches()) {
                throw Paging.invalidCursor();
            }
            before = UUID.fromString(key);
        }
        RunStore.RunFilter filter = new RunStore.RunFilter(blankToNull(recipe), status(status), instant("from", from),
                instant("to", to), keys(parameters));
        List<RunRow> rows = runs.list(filter, before, n + 1);
        return Paging.page(rows, n, RunView::summary, r -> r.id().toString());
    }

    /**
     * {@code key.<name>=<value>}: runs whose business key {@code name} (the recipe's {@code index:}) is exactly
     * {@code value}; several are all required.
     */
    static Map<String, String> keys(Map<String, String> parameters) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            if (!p.getKey().startsWith(KEY_PREFIX)) {
                continue;
            }
            String name = p.getKey().substring(KEY_PREFIX.length());
            if (!KEY_NAME.matcher(name).matches()) {
                throw ApiException.badParameter(p.getKey(), "'" + name + "' is not a business key name; names start with a"
                        + " letter followed by up to 39 letters, digits or '_', as in the recipe's index:, e.g. key.orderId=1234");
            }
            if (p.getValue() == null || p.getValue().isEmpty()) {
                throw ApiException.badParameter(p.getKey(), "'" + p.getKey() + "' needs the exact value to find, e.g. "
                        + p.getKey() + "=1234");
            }
            keys.put(name, p.getValue());
        }
        return keys;
    }

    @GetMapping("/{id}")
    public ObjectNode get(@PathVariable String id) {
        RunRow run = existing(id);
        ObjectNode out = RunView.detail(run, steps.load(run.id()).values().stream().map(StepStore.SeqRecord::record).toList());
        List<RunRow> related = runs.related(run.id(), RELATED_SHOWN);
        out.set("replays", RunView.links(related.stream().filter(r -> run.id().equals(r.replayOf())).toList()));
        out.set("children", RunView.links(related.stream().filter(r -> run.id().equals(r.parentRunId())).toList()));
        return out;
    }

    @GetMapping("/{id}/logs")
    public ObjectNode logs(@PathVariable String id) {
        RunRow run = existing(id);
        return RunView.logs(logs.forRun(run.id()));
    }

    private RunRow existing(String id) {
        UUID runId = runId(id);
        return runs.find(runId).orElseThrow(() -> ApiException.notFound("No run '" + id + "' exists"));
    }

    static UUID runId(String id) {
        if (id == null || !UUID_TEXT.matcher(id).matches()) {
            throw ApiException.badParameter("id", "'" + id + "' is not a run id; run ids are UUIDs such as "
                    + "0190f3a4-7b1c-7d2e-9f00-1234567890ab");
        }
        return UUID.fromString(id);
    }

    static RunStatus status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return RunStatus.fromWire(status.strip());
        } catch (IllegalArgumentException e) {
            String known = Arrays.stream(RunStatus.values()).map(RunStatus::wire).collect(Collectors.joining(", "));
            throw ApiException.badParameter("status", "'" + status + "' is not a run status; use one of " + known);
        }
    }

    /** ISO-8601: {@code 2026-01-31T10:00:00Z} or with an offset, {@code 2026-01-31T11:00:00+01:00}. */
    static Instant instant(String parameter, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value.strip()).toInstant();
            } catch (DateTimeParseException e2) {
                throw ApiException.badParameter(parameter, "'" + parameter + "' must be an ISO-8601 instant such as "
                        + "2026-01-31T10:00:00Z; it was '" + value + "'");
            }
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
