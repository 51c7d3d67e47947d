package dev.braid.app.triggers.poll;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.Sha256;
import dev.braid.app.store.RunStore;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One poll of one recipe (ARCHITECTURE §3 transactional ingestion), in one transaction on Braid's database:
 * <ol>
 *   <li>{@code pg_try_advisory_xact_lock} on the recipe: one poller per recipe across the cluster —
 *       a node that finds it taken skips this turn; the lock ends with the transaction, so a node
 *       that dies holds nothing;</li>
 *   <li>skip when another node polled since {@code notBefore} (the cluster polls once per interval,
 *       not once per node);</li>
 *   <li>read the rows after the stored cursor (or {@code initialCursor});</li>
 *   <li>hand one event per row to {@link Ingestion}, keyed by its cursor value (or the recipe's
 *       {@code idempotencyKey}), with one run per row — or, with {@code batch}, one run per
 *       {@code maxSize} rows holding {@code trigger.events}; a row whose key expression fails is a
 *       dead letter and does not hold the cursor back;</li>
 *   <li>store the new cursor (the last row's) — and commit all of it together;</li>
 *   <li>after the commit, let the read's action mark the rows as taken when it keeps such a mark
 *       ({@link dev.braid.engine.spi.AfterPollCommit}: {@code sftp.newFiles} moves the files to a done folder).</li>
 * </ol>
 * A failure anywhere rolls back events, runs and cursor alike: the rows are read again next time,
 * and rows already ingested by a lost commit race are dropped by their keys.
 */
@Component
public class PollCycle {

    /** Advisory lock namespace of pollers (first int; the second is hashtext(slug)). */
    static final int LOCK_CLASS = 0x4272_6406;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PollCycle.class);

    /** What a poll did: {@code skipped} when another node holds the recipe or polled just now. */
    record Outcome(boolean skipped, int rows, int newEvents, int runs, JsonNode cursor) {
        static Outcome skip() {
            return new Outcome(true, 0, 0, 0, null);
        }
    }

    /** A committed poll and what its read still has to mark once the commit is durable. */
    private record Committed(Outcome outcome, List<JsonNode> rows, PollSource.Acknowledgement acknowledgement) {}

    private final PollSource source;
    private final PollCursors cursors;
    private final Ingestion ingestion;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Map<String, Instant> polledHere = new java.util.concurrent.ConcurrentHashMap<>();
    private final int maxRows;

    PollCycle(PollSource source, PollCursors cursors, Ingestion ingestion, JdbcClient jdbc,
              PlatformTransactionManager transactions, Clock clock, BraidProperties properties) {
        this.source = source;
        this.cursors = cursors;
        this.ingestion = ingestion;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.clock = clock;
        this.maxRows = properties.poll().maxRows();
    }

    /** The recipes this node took the poller's lock of, and when last (the cluster view shows them). */
    public Map<String, Instant> polledHere() {
        return Map.copyOf(polledHere);
    }

    /**
     * Polls {@code recipe} unless another node holds it or has polled after {@code notBefore}. A failure is
     * recorded for the trigger health board once the poll has rolled back, and thrown on.
     */
    Outcome poll(RecipeCatalog.Current recipe, Instant notBefore) {
        Committed committed;
        try {
            committed = pollInTransaction(recipe, notBefore);
        } catch (RuntimeException e) {
            try {
                cursors.failed(recipe.slug(), e.getMessage() == null ? e.toString() : e.getMessage(), clock.instant());
            } catch (RuntimeException unrecorded) {
                e.addSuppressed(unrecorded); // the database is likely the failure itself
            }
            throw e;
        }
        acknowledge(recipe.slug(), committed);
        return committed.outcome();
    }

    /**
     * After the commit, never inside it (ARCHITECTURE §3): the read's action marks the rows as taken (moves the files).
     * A failure leaves them where they are; the next poll reads them again, and their keys start nothing.
     */
    private void acknowledge(String slug, Committed committed) {
        if (committed.rows().isEmpty()) {
            return;
        }
        try {
            committed.acknowledgement().afterCommit(committed.rows());
        } catch (ActionException | RuntimeException e) {
            String message = "Polling recipe " + slug + ": its " + committed.rows().size()
                    + " row(s) are stored with their runs, but marking them as taken failed" + (e instanceof ActionException a
                    ? " (" + a.type() + "): " : ": ") + e.getMessage() + "; the next poll tries again";
            log.warn(message);
            try {
                cursors.failed(slug, message, clock.instant());
            } catch (RuntimeException unrecorded) {
                log.warn("Recording that failure failed too: {}", unrecorded.getMessage());
            }
        }
    }

    private Committed pollInTransaction(RecipeCatalog.Current recipe, Instant notBefore) {
        return transactions.execute(tx -> {
            Boolean locked = jdbc.sql("select pg_try_advisory_xact_lock(?, hashtext(?))")
                    .params(LOCK_CLASS, recipe.slug()).query(Boolean.class).single();
            if (!locked) {
                return new Committed(Outcome.skip(), List.of(), PollSource.Acknowledgement.NONE);
            }
            polledHere.put(recipe.slug(), clock.instant());
            Optional<PollCursors.Stored> stored = cursors.find(recipe.slug());
            if (notBefore != null && stored.isPresent() && stored.get().polledAt().isAfter(notBefore)) {
                return new Committed(Outcome.skip(), List.of(), PollSource.Acknowledgement.NONE);
            }
            TriggerSettings.Poll settings = (TriggerSettings.Poll) recipe.recipe().trigger().settings();
            JsonNode cursor = stored.map(PollCursors.Stored::cursor)
                    .orElse(settings.initialCursor() == null ? NODES.nullNode() : settings.initialCursor());
            List<JsonNode> rows;
            PollSource.Read read;
            try {
                read = source.read(recipe.slug(), settings, cursor);
                rows = read.rows();
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
            int fresh = 0;
            int started = 0;
            Ingestion.Target target = Ingestion.Target.of(recipe);
            List<TriggerEvent> events = triggers.stream().map(t -> TriggerEvent.of(t, naturalKey(t))).toList();
            if (settings.batch() == null) {
                for (Ingestion.Accepted accepted : ingestion.accept(target, events)) {
                    if (accepted.outcome() == Ingestion.Outcome.STARTED) {
                        fresh++;
                    }
                }
                started = fresh;
            } else {
                // One run per maxSize rows; each row is still its own event (its own key, so a row read twice is dropped).
                for (int from = 0; from < events.size(); from += settings.batch().maxSize()) {
                    List<TriggerEvent> chunk = events.subList(from, Math.min(events.size(), from + settings.batch().maxSize()));
                    Ingestion.Accepted accepted = ingestion.accept(target,
                            new Ingestion.Batch(NODES.objectNode().put("type", "poll"), chunk, true));
                    if (accepted.outcome() == Ingestion.Outcome.STARTED) {
                        started++;
                        fresh += chunk.size(); // an upper bound when some rows were read before
                    }
                }
            }
            cursors.save(recipe.slug(), next, !next.equals(cursor), clock.instant());
            return new Committed(new Outcome(false, rows.size(), fresh, started, next), rows, read.acknowledgement());
        });
    }

    /**
     * The row's natural key (ARCHITECTURE §3): its cursor value, else (no cursor) a hash of the row. Prefixed
     * like the webhook keys, so the kinds cannot collide. The recipe's {@code idempotencyKey} comes
     * first: {@link Ingestion} applies it.
     */
    private static String naturalKey(ObjectNode trigger) {
        JsonNode cursor = trigger.get("cursor");
        if (cursor != null) {
            return "cursor:" + (cursor.isString() ? cursor.asString() : cursor.toString());
        }
        return "row:" + Sha256.hex(trigger.get("body").toString());
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
