package dev.braid.app.triggers.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.refusal.Conflict;
import dev.braid.app.refusal.Invalid;
import dev.braid.app.refusal.NotFound;
import dev.braid.app.store.Ids;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.schedule.InvalidCron;
import tools.jackson.databind.JsonNode;

/**
 * Backfill of a schedule recipe's fire times in {@code [from, to)} (ARCHITECTURE §3 "Backfill and replay").
 * A fire time without an event gets one, keyed by the fire time like a live fire, with a run of
 * origin {@code backfill}; one that has an event is left alone under {@code mode: missed}, and under
 * {@code mode: all} follows {@code overlap}: {@code skip}, {@code queue} (a run that waits until the
 * existing run has ended, see {@link BackfillStore#queue}) or {@code allow} (a second run at once).
 * Extra runs have origin {@code backfill} and {@code replayOf} the existing run. At most
 * {@code braid.schedules.max-backfill} fire times per request.
 */
@Component
public class ScheduleBackfill {

    /** What a backfill does (or would do) for one fire time. */
    public record Item(String scheduledAt, String action, UUID existingRunId, String existingStatus, UUID runId) {}

    public record Result(String recipe, boolean preview, String mode, String overlap, Instant from, Instant to,
                         int fireTimes, int started, List<Item> runs) {}

    private final RecipeCatalog catalog;
    private final ScheduleFires fires;
    private final BackfillStore store;
    private final Ingestion ingestion;
    private final Clock clock;
    private final int max;

    public ScheduleBackfill(RecipeCatalog catalog, ScheduleFires fires, BackfillStore store, Ingestion ingestion, Clock clock,
                            BraidProperties properties) {
        this.ingestion = ingestion;
        this.catalog = catalog;
        this.fires = fires;
        this.store = store;
        this.clock = clock;
        this.max = properties.schedules().maxBackfill();
    }

    public Result backfill(String slug, JsonNode body) {
        RecipeCatalog.Current recipe = catalog.current(slug)
                .orElseThrow(() -> new NotFound("No recipe '" + slug + "' exists"));
        if (recipe.recipe().trigger().type() != Trigger.Type.SCHEDULE) {
            throw new Conflict("Recipe '" + slug + "' has a " + recipe.recipe().trigger().type().wire()
                    + " trigger; backfill fills in schedule fire times (to reprocess stored events, use replay)");
        }
        BackfillRequest request = BackfillRequest.read(body, clock.instant());
        ScheduleSettings settings;
        try {
            settings = ScheduleSettings.of(recipe.recipe().trigger());
        } catch (InvalidCron e) {
            // Saved before crons were checked at save; it never fired, so there is nothing to fill in.
            throw new Conflict("Recipe '" + slug + "' has a cron Braid cannot schedule: " + e.getMessage()
                    + "; save a corrected version first");
        }
        // Enumerated from a second before 'from' (the cron works in whole seconds), then cut to [from, to).
        List<Instant> times = settings.fireTimes(request.from().minusSeconds(1), request.to(), max + 3).stream()
                .filter(t -> !t.isBefore(request.from()) && t.isBefore(request.to())).toList();
        if (times.size() > max) {
            throw Invalid.errors("More than " + max + " fire times of '" + settings.cron()
                    + "' fall between " + request.from() + " and " + request.to() + " (braid.schedules.max-backfill); "
                    + "split the range into smaller ones", List.of(BackfillRequest.error("to",
                    "the range holds more than " + max + " fire times; choose an earlier 'to'")));
        }
        List<String> keys = times.stream().map(ScheduleSettings::key).toList();
        Map<String, BackfillStore.Existing> existing = keys.isEmpty() ? Map.of() : store.existing(slug, keys);
        List<Item> items = new ArrayList<>();
        int started = 0;
        Instant now = clock.instant();
        for (Instant at : times) {
            String key = ScheduleSettings.key(at);
            BackfillStore.Existing prior = existing.get(key);
            String action = action(request, prior);
            UUID runId = null;
            if (!request.preview() && !"skip".equals(action)) {
                runId = start(recipe, at, now, action, prior);
                if (runId == null) {
                    action = "skip"; // a live fire or another backfill recorded it a moment ago
                } else {
                    started++;
                }
            }
            items.add(new Item(key, action, prior == null ? null : prior.runId(), prior == null || prior.status() == null ? null : prior.status().wire(), runId));
        }
        return new Result(slug, request.preview(), request.mode().name().toLowerCase(java.util.Locale.ROOT),
                request.overlap().name().toLowerCase(java.util.Locale.ROOT), request.from(), request.to(), times.size(),
                started, items);
    }

    /** {@code start} (new event and run), {@code skip}, {@code queue} or {@code allow}. */
    private static String action(BackfillRequest request, BackfillStore.Existing prior) {
        if (prior == null) {
            return "start";
        }
        if (request.mode() == BackfillRequest.Mode.MISSED || request.overlap() == BackfillRequest.Overlap.SKIP) {
            return "skip";
        }
        if (prior.runId() == null) {
            return "allow"; // its run was deleted: nothing to wait behind
        }
        return request.overlap() == BackfillRequest.Overlap.QUEUE ? "queue" : "allow";
    }

    private UUID start(RecipeCatalog.Current recipe, Instant at, Instant now, String action, BackfillStore.Existing prior) {
        switch (action) {
            case "start" -> {
                Ingestion.Accepted accepted = fires.ingest(recipe, at, now, "backfill", "backfill");
                return accepted.duplicate() ? null : accepted.runId();
            }
            case "queue" -> {
                UUID runId = Ids.next();
                store.queue(runId, recipe.slug(), recipe.version(), prior);
                return runId;
            }
            default -> {
                // overlap: allow — a second run of the fire time's event, at once
                return ingestion.rerun(recipe.slug(), recipe.version(), "backfill", prior.eventId(), prior.runId(),
                        prior.trigger());
            }
        }
    }
}
