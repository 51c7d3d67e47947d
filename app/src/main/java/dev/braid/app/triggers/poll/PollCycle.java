package dev.braid.app.triggers.poll;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.ConcurrencySlots;
import dev.braid.app.store.EventStore;
import dev.braid.app.store.Ids;
import dev.braid.app.store.JsonColumns;
import dev.braid.app.store.NewRun;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RunStore;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One poll of one recipe (DESIGN §3 transactional ingestion), in one transaction on Braid's database:
 * <ol>
 *   <li>{@code pg_try_advisory_xact_lock} on the recipe: one poller per recipe across the cluster —
 *       a node that finds it taken skips this turn; the lock ends with the transaction, so a node
 *       that dies holds nothing;</li>
 *   <li>skip when another node polled since {@code notBefore} (the cluster polls once per interval,
 *       not once per node);</li>
 *   <li>read the rows after the stored cursor (or {@code initialCursor});</li>
 *   <li>store one event per row, keyed by its cursor value (or the recipe's {@code idempotencyKey}),
 *       with one run per row — or, with {@code batch}, one run per {@code maxSize} rows holding
 *       {@code trigger.events};</li>
 *   <li>store the new cursor (the last row's) — and commit all of it together.</li>
 * </ol>
 * A failure anywhere rolls back events, runs and cursor alike: the rows are read again next time,
 * and rows already ingested by a lost commit race are dropped by their keys.
 */
@Component
class PollCycle {

    /** Advisory lock namespace of pollers (first int; the second is hashtext(slug)). */
    static final int LOCK_CLASS = 0x4272_6406;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What a poll did: {@code skipped} when another node holds the recipe or polled just now. */
    record Outcome(boolean skipped, int rows, int newEvents, int runs, JsonNode cursor) {
        static Outcome skip() {
            return new Outcome(true, 0, 0, 0, null);
        }
    }

    private final PollSource source;
    private final PollCursors cursors;
    private final EventStore events;
    private final RunStore runs;
    private final ConcurrencySlots slots;
    private final Expressions expressions;
    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final int maxRows;

    PollCycle(PollSource source, PollCursors cursors, EventStore events, RunStore runs, ConcurrencySlots slots,
              Expressions expressions, JdbcClient jdbc, JsonColumns json, PlatformTransactionManager transactions,
              Clock clock, BraidProperties properties) {
        this.source = source;
        this.cursors = cursors;
        this.events = events;
        this.runs = runs;
        this.slots = slots;
        this.expressions = expressions;
        this.jdbc = jdbc;
        this.json = json;
        this.transactions = new TransactionTemplate(transactions);
        this.clock = clock;
        this.maxRows = properties.poll().maxRows();
    }

    /** Polls {@code recipe} unless another node holds it or has polled after {@code notBefore}. */
    Outcome poll(RecipeCatalog.Current recipe, Instant notBefore) {
        return transactions.execute(tx -> {
            Boolean locked = jdbc.sql("select pg_try_advisory_xact_lock(?, hashtext(?))")
                    .params(LOCK_CLASS, recipe.slug()).query(Boolean.class).single();
            if (!locked) {
                return Outcome.skip();
            }
            Optional<PollCursors.Stored> stored = cursors.find(recipe.slug());
            if (notBefore != null && stored.isPresent() && stored.get().polledAt().isAfter(notBefore)) {
                return Outcome.skip();
            }
            TriggerSettings.Poll settings = (TriggerSettings.Poll) recipe.recipe().trigger().settings();
            JsonNode cursor = stored.map(PollCursors.Stored::cursor)
                    .orElse(settings.initialCursor() == null ? NODES.nullNode() : settings.initialCursor());
            List<JsonNode> rows;
            try {
                rows = source.read(recipe.slug(), settings, cursor);
            } catch (ActionException e) {
                throw new PollFailure(recipe.slug(), e);
            }
            if (rows.size() > maxRows) {
                rows = rows.subList(0, maxRows); // the rest after the moved cursor, next time
            }
            JsonNode next = cursor;
            List<ObjectNode> triggers = new ArrayList<>(rows.size());
            for (JsonNode row : rows) {
                ObjectNode trigger = NODES.objectNode();
                trigger.put("type", "poll");
                trigger.set("body", row);
                if (settings.cursor() != null) {
                    JsonNode value = row.get(settings.cursor());
                    if (value == null || value.isNull()) {
                        throw new PollFailure(recipe.slug(), "a row has no value in its cursor field '"
                                + settings.cursor() + "': " + row);
                    }
                    trigger.set("cursor", value);
                    next = value;
                }
                triggers.add(trigger);
            }
            int fresh;
            int started;
            if (settings.batch() == null) {
                fresh = 0;
                for (ObjectNode trigger : triggers) {
                    ConcurrencySlots.Slot slot = slots.of(recipe.recipe(), trigger).orElse(null);
                    if (!events.ingest(recipe.slug(), recipe.version(), key(settings, trigger), null, trigger, slot, "trigger")
                            .duplicate()) {
                        fresh++;
                    }
                }
                started = fresh;
            } else {
                int[] counts = batches(recipe, settings, triggers, next);
                fresh = counts[0];
                started = counts[1];
            }
            cursors.save(recipe.slug(), next, !next.equals(cursor), clock.instant());
            return new Outcome(false, rows.size(), fresh, started, next);
        });
    }

    /**
     * One run per {@code maxSize} new rows: each row still gets its own event (its own key, so a row
     * read twice is dropped), and the run's {@code trigger.events} holds the new rows' trigger objects.
     * Returns {new events, runs}.
     */
    private int[] batches(RecipeCatalog.Current recipe, TriggerSettings.Poll settings, List<ObjectNode> triggers, JsonNode cursor) {
        int fresh = 0;
        int started = 0;
        for (int from = 0; from < triggers.size(); from += settings.batch().maxSize()) {
            List<ObjectNode> chunk = triggers.subList(from, Math.min(triggers.size(), from + settings.batch().maxSize()));
            UUID runId = Ids.next();
            UUID firstEvent = null;
            var eventsOfRun = NODES.arrayNode();
            for (ObjectNode trigger : chunk) {
                UUID eventId = Ids.next();
                Optional<UUID> inserted = jdbc.sql("""
                        insert into trigger_events (id, recipe, idempotency_key, payload, first_run_id)
                        values (?, ?, ?, ?::jsonb, ?)
                        on conflict (recipe, idempotency_key) do nothing returning id""")
                        .params(eventId, recipe.slug(), key(settings, trigger), json.write(trigger), runId)
                        .query(UUID.class).optional();
                if (inserted.isPresent()) {
                    firstEvent = firstEvent == null ? eventId : firstEvent;
                    eventsOfRun.add(trigger);
                    fresh++;
                }
            }
            if (firstEvent != null) {
                ObjectNode trigger = NODES.objectNode();
                trigger.put("type", "poll");
                trigger.set("events", eventsOfRun);
                trigger.set("cursor", eventsOfRun.get(eventsOfRun.size() - 1).path("cursor"));
                runs.enqueue(new NewRun(runId, recipe.slug(), recipe.version(), "trigger", null, firstEvent, trigger));
                started++;
            }
        }
        return new int[] {fresh, started};
    }

    /**
     * The recipe's {@code idempotencyKey} over {@code {trigger}}, else the row's cursor value, else
     * (no cursor) a hash of the row. Prefixed like the webhook keys, so the kinds cannot collide.
     */
    private String key(TriggerSettings.Poll settings, ObjectNode trigger) {
        if (settings.idempotencyKey() != null) {
            JsonNode value = expressions.evaluate(settings.idempotencyKey(), NODES.objectNode().set("trigger", trigger));
            if (value != null && !value.isMissingNode() && !value.isNull()) {
                return "key:" + (value.isString() ? value.asString() : value.toString());
            }
        }
        JsonNode cursor = trigger.get("cursor");
        if (cursor != null) {
            return "cursor:" + (cursor.isString() ? cursor.asString() : cursor.toString());
        }
        return "row:" + sha256(trigger.get("body").toString());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A poll that failed; nothing of it was committed. */
    static final class PollFailure extends RuntimeException {
        PollFailure(String slug, ActionException cause) {
            super("Polling recipe " + slug + " failed (" + cause.type() + "): " + cause.getMessage(), cause);
        }

        PollFailure(String slug, String message) {
            super("Polling recipe " + slug + " failed: " + message);
        }
    }
}
