package dev.braid.app.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.ingest.IdempotencyKeys.Key;
import dev.braid.app.store.AttemptEnd;
import dev.braid.app.store.BusinessKeys;
import dev.braid.app.store.ConcurrencySlots;
import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.EventStore;
import dev.braid.app.store.Ids;
import dev.braid.app.store.IngestGroups;
import dev.braid.app.store.JsonColumns;
import dev.braid.app.store.NewRun;
import dev.braid.app.store.OrderingKeys;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RunStore;
import dev.braid.app.stats.RunMetrics;
import dev.braid.app.stats.StatsJournal;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one way in for every trigger source (ARCHITECTURE §1, §3): webhook, manual, schedule (and its
 * backfill), poll, Kafka, CDC, replay, {@code onError.notify} and {@code call:} all hand their
 * {@link TriggerEvent}s to {@link #accept}. It owns the rules that must not differ between sources:
 *
 * <ul>
 *   <li><b>Idempotency key</b>, in ARCHITECTURE §3's order ({@link IdempotencyKeys}): the recipe's
 *       {@code idempotencyKey} expression over {@code {trigger}} ({@code key:<value>}); the sender's
 *       {@code Idempotency-Key} header ({@code header:<value>}, webhooks); else the event's natural key.
 *       An expression that yields nothing (missing or null) gives no key, and the next rule applies.</li>
 *   <li><b>A key expression that fails</b> — it throws, or yields an object or array, which is no key —
 *       is never silently replaced: where a sender waits for an answer (a webhook) it is refused
 *       ({@link UnusableKey}, answered 400 naming {@code trigger.webhook.idempotencyKey}); for every
 *       other source the event becomes a dead letter without a run, error type
 *       {@code trigger.unreadable} naming {@code trigger.<type>.idempotencyKey}, as an event that could
 *       not be read does, and the source moves on (offset committed, cursor moved) — one bad event
 *       neither stops a consumer nor is lost.</li>
 *   <li><b>Dedupe window</b>: webhook keys are remembered for the recipe's {@code dedupe.window}, CDC
 *       keys for {@code braid.cdc.dedupe-window}, a connector trigger's (mqtt, amqp) for its
 *       {@code dedupe.window} (its natural keys, such as MQTT packet ids, are reused in time); other keys (offsets, fire times, cursors) never
 *       expire, as they are never reused.</li>
 *   <li><b>Concurrency slot</b>: worked out here, once per new run, by {@link ConcurrencySlots}; a run
 *       that stores no new event (manual, replay, redrive, backfill {@code overlap: allow}) is queued by
 *       {@link RunStore#enqueue}, the runs table's own gateway, which works it out with the same rule.</li>
 *   <li><b>Ordering key</b> ({@code ordering: {key}}, ARCHITECTURE §11): worked out here, once per new run, by
 *       {@link OrderingKeys}, with the same failure policy as the idempotency key (a webhook refused naming
 *       {@code ordering.key}, any other event a dead letter without a run). Runs of one key are claimed
 *       in the order they are accepted here, so an ordered run is never pre-leased by a {@link Claim}.
 *       Reruns queued by {@link RunStore#enqueue} get theirs there, with the same rule.</li>
 *   <li><b>Business keys</b> ({@code index:}, ARCHITECTURE §10): worked out here, once per new run, by
 *       {@link BusinessKeys} and stored with the run; an expression that fails stores no value and never
 *       refuses the event. A batch run's are evaluated over the whole batch trigger.</li>
 *   <li><b>Duplicates</b> start nothing and answer the first event's id and its first run's id.</li>
 * </ul>
 *
 * <p>Events and their runs are written by {@link EventStore} (the owner of trigger_events) in one
 * statement, so a source that acknowledges after {@code accept} returns (webhook answer, Kafka offset,
 * CDC offset, poll cursor) never acknowledges an event that is not stored with its run.
 */
@Component
public class Ingestion {

    /** What became of one event. */
    public enum Outcome { STARTED, DUPLICATE, DEAD_LETTER }

    /** One event's answer: its stored event (null when none is stored) and its run — the first run for a duplicate. */
    public record Accepted(Outcome outcome, UUID eventId, UUID runId) {
        public boolean duplicate() {
            return outcome == Outcome.DUPLICATE;
        }
    }

    /**
     * The recipe version the runs are for, and their origin ({@code trigger}, {@code manual},
     * {@code replay}, {@code backfill}, {@code notify}, {@code call}).
     */
    public record Target(String slug, int version, Recipe recipe, String origin) {
        public static Target of(RecipeCatalog.Current current) {
            return new Target(current.slug(), current.version(), current.recipe(), "trigger");
        }

        public Target as(String newOrigin) {
            return new Target(slug, version, recipe, newOrigin);
        }
    }

    /**
     * Many events, one run (ARCHITECTURE §3 "Batching"): the run's trigger is {@code header} plus
     * {@code events} (the new events' contexts, in this order) and, with {@code carryCursor}, the last
     * new event's {@code cursor}.
     */
    public record Batch(ObjectNode header, List<TriggerEvent> events, boolean carryCursor) {}

    /**
     * Spare capacity of this node for a run inserted already leased to it (the webhook's fast path): no
     * claim round trip. Never used for a run with a concurrency limit, which waits for a slot.
     */
    public interface Claim {
        boolean tryReserve();

        String nodeId();

        Duration lease();

        void cancel();

        void run(Target recipe, UUID eventId, UUID runId, ObjectNode trigger);

        /**
         * After {@link #tryReserve} said no: the run has been queued (committed), or storing it failed. Runs are
         * served in arrival order, so the capacity's owner must know which queued runs a claim could already see.
         */
        void queuedRunStored();
    }

    /** The recipe's {@code idempotencyKey} expression failed on an event whose sender waits for the answer. */
    public static final class UnusableKey extends RuntimeException {
        private final String field;

        UnusableKey(String field, String message) {
            super(message);
            this.field = field;
        }

        /** The recipe setting at fault, e.g. {@code trigger.webhook.idempotencyKey}. */
        public String field() {
            return field;
        }
    }

    private final EventStore events;
    private final RunStore runs;
    private final DeadLetterStore deadLetters;
    private final ConcurrencySlots slots;
    private final OrderingKeys orderings;
    private final BusinessKeys businessKeys;
    private final IdempotencyKeys keys;
    private final JsonColumns json;
    private final Clock clock;
    private final Duration cdcDedupeWindow;
    private final RunMetrics metrics;
    private final StatsJournal journal;
    private final IngestGroups groups;

    public Ingestion(EventStore events, IngestGroups groups, RunStore runs, DeadLetterStore deadLetters, ConcurrencySlots slots,
                     OrderingKeys orderings, BusinessKeys businessKeys, Expressions expressions, JsonColumns json, Clock clock,
                     BraidProperties properties, RunMetrics metrics, StatsJournal journal) {
        this.businessKeys = businessKeys;
        this.events = events;
        this.groups = groups;
        this.runs = runs;
        this.deadLetters = deadLetters;
        this.slots = slots;
        this.orderings = orderings;
        this.keys = new IdempotencyKeys(expressions);
        this.json = json;
        this.clock = clock;
        this.cdcDedupeWindow = properties.cdc().dedupeWindow();
        this.metrics = metrics;
        this.journal = journal;
    }

    /** One event, one run (or none for a duplicate or a dead letter). */
    public Accepted accept(Target recipe, TriggerEvent event) {
        return accept(recipe, event, null);
    }

    /**
     * One event; with a {@link Claim} that has room, the run is inserted running and leased to this
     * node, and handed to {@link Claim#run} once committed.
     */
    public Accepted accept(Target recipe, TriggerEvent event, Claim claim) {
        return noted(recipe, acceptOne(recipe, event, claim));
    }

    private Accepted acceptOne(Target recipe, TriggerEvent event, Claim claim) {
        if (!event.stored()) {
            UUID runId = Ids.next();
            runs.enqueue(new NewRun(runId, recipe.slug(), recipe.version(), recipe.origin(), null, null, event.context()));
            return new Accepted(Outcome.STARTED, null, runId);
        }
        Key key = key(recipe, event);
        if (key.unusable() != null) {
            return deadLetter(recipe, event, key);
        }
        Key ordering = ordering(recipe, event, event.context());
        if (ordering.unusable() != null) {
            return deadLetter(recipe, event, ordering);
        }
        ConcurrencySlots.Slot slot = slot(recipe.recipe(), event.context());
        JsonNode businessKeys = this.businessKeys.of(recipe.recipe(), event.context());
        // A run with a concurrency limit is only ever claimed under its slot group's lock, an ordered run only
        // after the runs of its key ahead of it: neither is pre-leased.
        if (slot != null || ordering.value() != null || claim == null) {
            return queued(recipe, new EventStore.NewEvent(key.value(), expiry(recipe), event.context(), slot,
                    ordering.value(), businessKeys));
        }
        if (!claim.tryReserve()) {
            try {
                return queued(recipe, new EventStore.NewEvent(key.value(), expiry(recipe), event.context(), null, null,
                        businessKeys));
            } finally {
                claim.queuedRunStored();
            }
        }
        EventStore.Ingested ingested;
        try {
            ingested = store(recipe, new EventStore.NewEvent(key.value(), expiry(recipe), event.context(), null, null,
                    businessKeys, claim.nodeId(), claim.lease()));
        } catch (RuntimeException e) {
            claim.cancel();
            throw e;
        }
        if (ingested.duplicate()) {
            claim.cancel();
        } else {
            claim.run(recipe, ingested.eventId(), ingested.runId(), event.context());
        }
        return accepted(ingested);
    }

    private Accepted queued(Target recipe, EventStore.NewEvent event) {
        return accepted(store(recipe, event));
    }

    /**
     * One event stored with its run. Outside a transaction it shares its commit with concurrent events of the
     * recipe ({@link IngestGroups}); inside one (a poll's rows with their cursor) it must commit with the rest.
     */
    private EventStore.Ingested store(Target recipe, EventStore.NewEvent event) {
        return TransactionSynchronizationManager.isActualTransactionActive()
                ? events.ingest(recipe.slug(), recipe.version(), recipe.origin(), event)
                : groups.ingest(recipe.slug(), recipe.version(), recipe.origin(), event);
    }

    /** Many events, one run each, in one statement; the answers in the events' order. */
    public List<Accepted> accept(Target recipe, List<TriggerEvent> events) {
        List<Accepted> out = new ArrayList<>(events.size());
        List<EventStore.NewEvent> fresh = new ArrayList<>(events.size());
        List<Integer> positions = new ArrayList<>(events.size());
        Instant expires = expiry(recipe);
        for (TriggerEvent event : events) {
            if (!event.stored()) {
                out.add(acceptOne(recipe, event, null));
                continue;
            }
            Key key = key(recipe, event);
            if (key.unusable() != null) {
                out.add(deadLetter(recipe, event, key));
                continue;
            }
            Key ordering = ordering(recipe, event, event.context());
            if (ordering.unusable() != null) {
                out.add(deadLetter(recipe, event, ordering));
                continue;
            }
            positions.add(out.size());
            out.add(null);
            fresh.add(new EventStore.NewEvent(key.value(), expires, event.context(), slot(recipe.recipe(), event.context()),
                    ordering.value(), businessKeys.of(recipe.recipe(), event.context())));
        }
        List<EventStore.Ingested> stored = this.events.ingestEach(recipe.slug(), recipe.version(), recipe.origin(), fresh);
        for (int i = 0; i < stored.size(); i++) {
            out.set(positions.get(i), accepted(stored.get(i)));
        }
        noted(recipe, out);
        return out;
    }

    /**
     * A batch: each event stored under its own key, one run for the new ones (none when all are
     * duplicates: {@link Outcome#DUPLICATE} without a run). Events whose key fails are dead letters.
     */
    public Accepted accept(Target recipe, Batch batch) {
        return noted(recipe, acceptBatch(recipe, batch));
    }

    private Accepted acceptBatch(Target recipe, Batch batch) {
        Instant expires = expiry(recipe);
        List<EventStore.NewEvent> fresh = new ArrayList<>(batch.events().size());
        ObjectNode whole = batch.header().deepCopy();
        var all = whole.putArray("events");
        for (TriggerEvent event : batch.events()) {
            Key key = key(recipe, event);
            if (key.unusable() != null) {
                deadLetter(recipe, event, key);
                continue;
            }
            fresh.add(new EventStore.NewEvent(key.value(), expires, event.context(), null));
            all.add(event.context());
        }
        if (fresh.isEmpty()) {
            return new Accepted(Outcome.DEAD_LETTER, null, null);
        }
        // The batch run's ordering key is the expression over the whole batch trigger ({type, batch, key, events}).
        Key ordering = ordering(recipe, batch.events().getFirst(), whole);
        if (ordering.unusable() != null) {
            for (TriggerEvent event : batch.events()) {
                deadLetter(recipe, event, ordering);
            }
            return new Accepted(Outcome.DEAD_LETTER, null, null);
        }
        return events.ingestBatch(recipe.slug(), recipe.version(), recipe.origin(), fresh, batch.header(), batch.carryCursor(),
                        slot(recipe.recipe(), whole), ordering.value(), businessKeys.of(recipe.recipe(), whole))
                .map(run -> new Accepted(Outcome.STARTED, null, run))
                .orElseGet(() -> new Accepted(Outcome.DUPLICATE, null, null));
    }

    /**
     * A further run of an event already stored (replay, dead-letter redrive, backfill {@code overlap: allow}),
     * with that event's trigger (or an edited one); {@code replayOf} is the run it re-runs.
     */
    public UUID rerun(String slug, int version, String origin, UUID eventId, UUID replayOf, JsonNode trigger) {
        UUID runId = Ids.next();
        runs.enqueue(new NewRun(runId, slug, version, origin, replayOf, eventId, trigger));
        return runId;
    }

    /**
     * A run that the statement ending another run writes ({@code call:} children, {@code onError.notify}),
     * so that it exists exactly when that run's ending does: what to write, with its slot.
     */
    public AttemptEnd.StartedRun started(Target recipe, UUID runId, String parentStep, TriggerEvent event) {
        ConcurrencySlots.Slot slot = slot(recipe.recipe(), event.context());
        return new AttemptEnd.StartedRun(runId, recipe.slug(), recipe.version(), recipe.origin(), parentStep,
                json.write(event.context()), slot == null ? null : slot.key(), slot == null ? null : slot.limit());
    }

    /**
     * An event the source could not read (not the recipe's format): a dead letter without a run,
     * {@code trigger.unreadable}, at most one per natural key. {@code raw} is what was received.
     */
    public void unreadable(Target recipe, String naturalKey, String message, JsonNode raw) {
        deadLetters.unreadable(recipe.slug(), naturalKey, message, null, raw);
    }

    // ---- the rules ------------------------------------------------------------------------------

    private Key key(Target recipe, TriggerEvent event) {
        Key key = keys.of(expression(recipe.recipe()), recipe.recipe().trigger().type().wire(), event);
        if (key.unusable() != null && "webhook".equals(event.type())) {
            throw new UnusableKey(key.field(), key.unusable());
        }
        return key;
    }

    private Accepted deadLetter(Target recipe, TriggerEvent event, Key key) {
        deadLetters.unreadable(recipe.slug(), event.naturalKey(), key.unusable(), key.field(), event.context());
        return new Accepted(Outcome.DEAD_LETTER, null, null);
    }

    private static String expression(Recipe recipe) {
        String expression = recipe.trigger().settings().idempotencyKey();
        return expression == null || expression.isBlank() ? null : expression;
    }

    /** When the keys of this recipe's events stop deduplicating; null: never. */
    private Instant expiry(Target recipe) {
        Trigger trigger = recipe.recipe().trigger();
        if (trigger.settings() instanceof TriggerSettings.Webhook webhook) {
            return clock.instant().plus(webhook.dedupeWindow());
        }
        if (trigger.type() == Trigger.Type.CDC) {
            return clock.instant().plus(cdcDedupeWindow);
        }
        if (trigger.settings() instanceof TriggerSettings.Source source && source.dedupeWindow() != null) {
            return clock.instant().plus(source.dedupeWindow());
        }
        return null;
    }

    /**
     * The one call site of the ordering rule for new runs: the key in {@code value} (null: not ordered), or
     * why there is none; a webhook is refused at once, as for a failing idempotency key.
     */
    private Key ordering(Target recipe, TriggerEvent event, JsonNode trigger) {
        try {
            return new Key(orderings.of(recipe.recipe(), trigger).orElse(null), null, null);
        } catch (OrderingKeys.Unusable e) {
            if ("webhook".equals(event.type())) {
                throw new UnusableKey(OrderingKeys.FIELD, e.getMessage());
            }
            return new Key(null, e.getMessage(), OrderingKeys.FIELD);
        }
    }

    /** The one call site of the concurrency-slot rule for new runs. */
    private ConcurrencySlots.Slot slot(Recipe recipe, JsonNode trigger) {
        return slots.of(recipe, trigger).orElse(null);
    }

    /**
     * Counts what became of an event ({@code braid_trigger_events_total}: accepted, duplicate, or refused
     * — a dead letter without a run) and journals a duplicate for the stats.
     */
    private Accepted noted(Target recipe, Accepted accepted) {
        String type = recipe.recipe().trigger().type().wire();
        switch (accepted.outcome()) {
            case STARTED -> metrics.triggerEvent(type, recipe.slug(), "accepted");
            case DUPLICATE -> {
                metrics.triggerEvent(type, recipe.slug(), "duplicate");
                journal.duplicate(recipe.slug(), recipe.origin());
            }
            case DEAD_LETTER -> metrics.triggerEvent(type, recipe.slug(), "refused");
        }
        return accepted;
    }

    /** {@link #noted(Target, Accepted)} of many: one counter increment per outcome. */
    private void noted(Target recipe, List<Accepted> all) {
        long started = 0;
        long refused = 0;
        for (Accepted a : all) {
            switch (a.outcome()) {
                case STARTED -> started++;
                case DUPLICATE -> noted(recipe, a);
                case DEAD_LETTER -> refused++;
            }
        }
        String type = recipe.recipe().trigger().type().wire();
        if (started > 0) {
            metrics.triggerEvents(type, recipe.slug(), "accepted", started);
        }
        if (refused > 0) {
            metrics.triggerEvents(type, recipe.slug(), "refused", refused);
        }
    }

    private static Accepted accepted(EventStore.Ingested ingested) {
        return new Accepted(ingested.duplicate() ? Outcome.DUPLICATE : Outcome.STARTED, ingested.eventId(), ingested.runId());
    }
}
