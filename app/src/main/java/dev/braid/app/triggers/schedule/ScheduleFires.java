package dev.braid.app.triggers.schedule;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns fire times into trigger events and runs (ARCHITECTURE §3), through {@link Ingestion}. The idempotency key is the scheduled
 * fire time, so whichever node fires — Quartz's cluster lock, a catch-up on a node that just
 * started, a second scheduler — one fire time has one event and one run: the unique
 * (recipe, idempotency_key) drops the others. Schedule keys never expire.
 */
@Component
public class ScheduleFires {

    private static final Logger log = LoggerFactory.getLogger(ScheduleFires.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RecipeCatalog catalog;
    private final Ingestion ingestion;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final int maxCatchUp;

    public ScheduleFires(RecipeCatalog catalog, Ingestion ingestion, JdbcClient jdbc, Clock clock,
                         BraidProperties properties) {
        this.catalog = catalog;
        this.ingestion = ingestion;
        this.jdbc = jdbc;
        this.clock = clock;
        this.maxCatchUp = properties.schedules().maxCatchUp();
    }

    /**
     * Records one fire of {@code slug}'s schedule: an event keyed by {@code scheduledAt} and its
     * queued run. Empty when the recipe is gone, disabled or no longer a schedule (a fire racing a
     * change); otherwise the answer says whether it was a duplicate.
     */
    public Optional<Ingestion.Accepted> fire(String slug, Instant scheduledAt, Instant firedAt, String firedBy) {
        Optional<RecipeCatalog.Current> current = catalog.current(slug)
                .filter(c -> c.enabled() && c.recipe().trigger().type() == Trigger.Type.SCHEDULE);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ingest(current.get(), scheduledAt, firedAt, firedBy, "trigger"));
    }

    /** Stores one fire time with the given run origin ({@code trigger} or {@code backfill}). */
    Ingestion.Accepted ingest(RecipeCatalog.Current recipe, Instant scheduledAt, Instant firedAt, String firedBy,
                              String origin) {
        return ingestion.accept(Ingestion.Target.of(recipe).as(origin),
                TriggerEvent.of(trigger(scheduledAt, firedAt, firedBy), ScheduleSettings.key(scheduledAt)));
    }

    /**
     * The run's trigger: {@code trigger.scheduledAt} (the fire time the cron named, the key),
     * {@code trigger.firedAt} (when it was recorded), {@code trigger.fireTime} (ARCHITECTURE §2's name for
     * scheduledAt) and the same in {@code trigger.body}, which is where recipe authors look first.
     */
    static ObjectNode trigger(Instant scheduledAt, Instant firedAt, String firedBy) {
        ObjectNode body = NODES.objectNode();
        body.put("scheduledAt", ScheduleSettings.key(scheduledAt));
        body.put("firedAt", firedAt.toString());
        ObjectNode trigger = NODES.objectNode();
        trigger.put("type", "schedule");
        trigger.put("scheduledAt", ScheduleSettings.key(scheduledAt));
        trigger.put("firedAt", firedAt.toString());
        trigger.put("fireTime", ScheduleSettings.key(scheduledAt));
        trigger.put("firedBy", firedBy);
        trigger.set("body", body);
        return trigger;
    }

    /**
     * Catch-up (ARCHITECTURE §2 {@code catchUp}): the fire times after the later of the last recorded one
     * and the recipe's last save or enable (a disabled recipe misses nothing), up to {@code upTo}.
     * {@code none} records nothing, {@code last} the most recent of them, {@code all} each of them —
     * at most {@code braid.schedules.max-catch-up}, the most recent, the older ones are skipped with a
     * warning. Safe to run on every node at once: the fire times are keys.
     */
    public int catchUp(String slug, Instant upTo, String firedBy) {
        Optional<RecipeCatalog.Current> current = catalog.current(slug)
                .filter(c -> c.enabled() && c.recipe().trigger().type() == Trigger.Type.SCHEDULE);
        if (current.isEmpty()) {
            return 0;
        }
        ScheduleSettings settings = ScheduleSettings.of(current.get().recipe().trigger());
        if (settings.catchUp() == TriggerSettings.Schedule.CatchUp.NONE) {
            return 0;
        }
        Instant since = missedSince(slug);
        int keep = settings.catchUp() == TriggerSettings.Schedule.CatchUp.LAST ? 1 : maxCatchUp;
        // One more than kept, to tell whether older ones were dropped.
        List<Instant> missed = settings.latestFireTimes(since, upTo, keep + 1);
        if (missed.size() > keep) {
            if (settings.catchUp() == TriggerSettings.Schedule.CatchUp.ALL) {
                log.warn("Recipe {}: more than {} missed fire times since {}; catching up only the latest {} "
                        + "(braid.schedules.max-catch-up); backfill the rest if needed", slug, keep, since, keep);
            }
            missed = missed.subList(missed.size() - keep, missed.size());
        }
        Instant now = clock.instant();
        int started = 0;
        for (Instant at : missed) {
            if (!ingest(current.get(), at, now, firedBy, "trigger").duplicate()) {
                started++;
            }
        }
        if (started > 0) {
            log.info("Recipe {}: caught up {} missed fire time(s) up to {} (catchUp: {})", slug, started, upTo,
                    settings.catchUp().wire());
        }
        return started;
    }

    /** The later of the latest recorded fire time and the recipe's last save or enable. */
    Instant missedSince(String slug) {
        Timestamp updated = jdbc.sql("select updated_at from recipes where slug = ?").param(slug)
                .query(Timestamp.class).optional().orElse(Timestamp.from(clock.instant()));
        Instant since = updated.toInstant();
        Optional<Instant> last = lastFireTime(slug);
        return last.filter(l -> l.isAfter(since)).orElse(since);
    }

    /**
     * The latest fire time recorded for the recipe. Keys are UTC instants of one format, so their text
     * order is time order and the unique index answers it.
     */
    public Optional<Instant> lastFireTime(String slug) {
        return jdbc.sql("""
                select idempotency_key from trigger_events
                 where recipe = ? and payload ->> 'type' = 'schedule'
                 order by idempotency_key desc limit 1""")
                .param(slug).query(String.class).optional().map(Instant::parse);
    }
}
