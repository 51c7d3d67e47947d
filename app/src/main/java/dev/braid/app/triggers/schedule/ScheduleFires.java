package dev.braid.app.triggers.schedule;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.SchedulePeriods;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Trigger;
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
    /** Closed stretches settled per refresh at most (more wait for the next one). */
    static final int SETTLE_BATCH = 100;

    private final RecipeCatalog catalog;
    private final Ingestion ingestion;
    private final JdbcClient jdbc;
    private final SchedulePeriods periods;
    private final Clock clock;
    private final int maxCatchUp;
    private final MissedFireTimes missedFireTimes;

    public ScheduleFires(RecipeCatalog catalog, Ingestion ingestion, JdbcClient jdbc, SchedulePeriods periods, Clock clock,
                         BraidProperties properties) {
        this.catalog = catalog;
        this.ingestion = ingestion;
        this.jdbc = jdbc;
        this.periods = periods;
        this.clock = clock;
        this.maxCatchUp = properties.schedules().maxCatchUp();
        this.missedFireTimes = new MissedFireTimes(clock, maxCatchUp);
    }

    /**
     * Records one fire of {@code slug}'s schedule: an event keyed by {@code scheduledAt} and its queued run, of
     * the version that was enabled when it fell due. Empty when the schedule was not on at that time, or
     * {@code scheduledAt} is not a fire time of that version's cron (a fire racing a disable or a change);
     * otherwise the answer says whether it was a duplicate.
     */
    public Optional<Ingestion.Accepted> fire(String slug, Instant scheduledAt, Instant firedAt, String firedBy) {
        Optional<SchedulePeriods.Period> period = periods.at(slug, scheduledAt);
        if (period.isEmpty()) {
            return Optional.empty();
        }
        Optional<Version> version = version(period.get());
        if (version.isEmpty() || !MissedFireTimes.isFireTime(version.get().settings(), scheduledAt)) {
            return Optional.empty();
        }
        return Optional.of(ingest(version.get().target(), scheduledAt, firedAt, firedBy));
    }

    /** Stores one fire time of a stretch's version as a run of origin {@code trigger}. */
    private Ingestion.Accepted ingest(Ingestion.Target target, Instant scheduledAt, Instant firedAt, String firedBy) {
        return ingestion.accept(target, TriggerEvent.of(trigger(scheduledAt, firedAt, firedBy), ScheduleSettings.key(scheduledAt)));
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
     * Catch-up (README "Schedules, catch-up and backfill") of every stretch of the recipe's enabled time that may
     * still hold missed fire times, up to {@code upTo}: see {@link MissedFireTimes} for which fire times, each
     * recorded with the version enabled when it fell due — also when the recipe has been disabled or changed
     * since. A closed stretch caught up to its end is settled. Safe to run on every node at once: the fire times
     * are keys. Returns how many runs it started.
     */
    public int catchUp(String slug, Instant upTo, String firedBy) {
        int started = 0;
        for (SchedulePeriods.Period period : periods.unsettled(slug)) {
            if (period.from().isBefore(upTo)) {
                started += catchUp(period, upTo, firedBy);
            }
        }
        return started;
    }

    /**
     * Catches up the closed stretches of every recipe not settled yet — a recipe disabled or saved again while
     * the node firing it was dead, or before any node recorded the fire times that fell due — and settles them.
     * Every node runs it at every trigger refresh. Returns how many runs it started.
     */
    public int catchUpClosed(String firedBy) {
        int started = 0;
        for (SchedulePeriods.Period period : periods.closedUnsettled(SETTLE_BATCH)) {
            started += catchUp(period, period.until(), firedBy);
        }
        return started;
    }

    private int catchUp(SchedulePeriods.Period period, Instant upTo, String firedBy) {
        Optional<Version> version = version(period);
        if (version.isEmpty()) {
            settleIfOver(period, upTo);
            return 0;
        }
        ScheduleSettings settings = version.get().settings();
        MissedFireTimes.Missed missed = missedFireTimes.of(settings, period.from(), period.until(),
                lastFireTime(period), upTo);
        if (missed.capped()) {
            log.warn("Recipe {}: more than {} missed fire times in its enabled stretch from {}; catching up only the "
                    + "latest {} (braid.schedules.max-catch-up); backfill the rest if needed", period.recipe(),
                    maxCatchUp, period.from(), maxCatchUp);
        }
        Instant now = clock.instant();
        int started = 0;
        for (Instant at : missed.times()) {
            if (!ingest(version.get().target(), at, now, firedBy).duplicate()) {
                started++;
            }
        }
        if (started > 0) {
            log.info("Recipe {}: caught up {} missed fire time(s) of version {} up to {} (catchUp: {}{})", period.recipe(),
                    started, period.version(), missed.times().getLast(), settings.catchUp().wire(),
                    period.open() ? "" : ", enabled until " + period.until());
        }
        settleIfOver(period, upTo);
        return started;
    }

    private void settleIfOver(SchedulePeriods.Period period, Instant upTo) {
        if (!period.open() && !upTo.isBefore(period.until())) {
            periods.settle(period.id());
        }
    }

    /** A stretch's version: its schedule settings and what a run of it is. Empty when it cannot run. */
    private record Version(ScheduleSettings settings, Ingestion.Target target) {}

    private Optional<Version> version(SchedulePeriods.Period period) {
        try {
            Recipe recipe = catalog.version(period.recipe(), period.version());
            if (recipe.trigger().type() != Trigger.Type.SCHEDULE) {
                return Optional.empty();
            }
            return Optional.of(new Version(ScheduleSettings.of(recipe.trigger()),
                    new Ingestion.Target(period.recipe(), period.version(), recipe, "trigger")));
        } catch (IllegalStateException | IllegalArgumentException | java.time.DateTimeException
                 | dev.braid.engine.parse.RecipeValidationException e) {
            // Deleted meanwhile, or a cron stored before crons were checked at save (InvalidCron): nothing fires.
            log.debug("Recipe {} version {}: its schedule cannot run: {}", period.recipe(), period.version(), e.toString());
            return Optional.empty();
        }
    }

    /** The latest fire time recorded within the stretch ({@code from < t <= until}). */
    private Optional<Instant> lastFireTime(SchedulePeriods.Period period) {
        // Keys are whole-second UTC instants of one format, so their text order is time order: from < t is
        // t >= the next whole second after from, t <= until is t <= until's whole second.
        String lowest = ScheduleSettings.key(period.from().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
        String highest = period.open() ? "~" /* after every key */ : ScheduleSettings.key(period.until().truncatedTo(ChronoUnit.SECONDS));
        return jdbc.sql("""
                select idempotency_key from trigger_events
                 where recipe = ? and idempotency_key >= ? and idempotency_key <= ? and payload ->> 'type' = 'schedule'
                 order by idempotency_key desc limit 1""")
                .params(period.recipe(), lowest, highest).query(String.class).optional().map(Instant::parse);
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
