package dev.braid.app.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.stereotype.Component;

/**
 * Group commit for events that arrive one at a time (webhooks; ARCHITECTURE §8): concurrent ingestions of
 * one recipe version share one statement and one commit ({@link EventStore#ingestEach}) instead of paying a
 * round trip, a transaction and a WAL flush each.
 *
 * <p>No one waits for a group to fill. A caller that finds no statement of its recipe in flight writes
 * everything waiting, itself included; callers arriving meanwhile wait for that statement to end, and the
 * first of them whose event it did not hold writes the next group. A quiet server thus writes groups of one,
 * as before, and a busy one as many events as arrived during the previous statement (at most {@value #MAX}).
 * Each caller returns after the commit that holds its event, so a webhook is still answered only once its
 * event and run are durable. Only callers outside a transaction may come here: a group commits on its own.
 */
@Component
public class IngestGroups {

    static final int MAX = 256;

    private final EventStore events;
    private final ConcurrentHashMap<Key, Group> groups = new ConcurrentHashMap<>();
    private final LongAdder statements = new LongAdder();

    public IngestGroups(EventStore events) {
        this.events = events;
    }

    private record Key(String recipe, int version, String origin) {}

    private static final class Group {
        /** Held while a statement of this group is in flight; fair, so every waiter gets its turn. */
        final ReentrantLock writing = new ReentrantLock(true);
        final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    }

    /** Written by the writer before it releases {@link Group#writing}, read by the owner after taking it. */
    private static final class Waiting {
        final EventStore.NewEvent event;
        EventStore.Ingested result;
        RuntimeException failure;
        boolean done;

        Waiting(EventStore.NewEvent event) {
            this.event = event;
        }
    }

    /** As {@link EventStore#ingest(String, int, String, EventStore.NewEvent)}, sharing its commit with concurrent callers. */
    public EventStore.Ingested ingest(String recipe, int version, String origin, EventStore.NewEvent event) {
        Group group = groups.computeIfAbsent(new Key(recipe, version, origin), k -> new Group());
        Waiting mine = new Waiting(event);
        group.waiting.add(mine);
        group.writing.lock();
        try {
            while (!mine.done) {
                write(recipe, version, origin, next(group));
            }
        } finally {
            group.writing.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    private static List<Waiting> next(Group group) {
        List<Waiting> batch = new ArrayList<>();
        for (Waiting w; batch.size() < MAX && (w = group.waiting.poll()) != null; ) {
            batch.add(w);
        }
        return batch;
    }

    private void write(String recipe, int version, String origin, List<Waiting> batch) {
        if (batch.size() == 1) {
            alone(recipe, version, origin, batch.getFirst());
            return;
        }
        List<EventStore.Ingested> out;
        statements.increment();
        try {
            out = events.ingestEach(recipe, version, origin, batch.stream().map(w -> w.event).toList());
        } catch (RuntimeException e) {
            // One event the database refuses must not fail the others: each is written on its own.
            batch.forEach(w -> alone(recipe, version, origin, w));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            EventStore.Ingested ingested = out.get(i);
            if (ingested.duplicate() && ingested.eventId() == null) {
                // Its key's first event went between the two statements (pruned): the single path retries.
                alone(recipe, version, origin, batch.get(i));
            } else {
                batch.get(i).result = ingested;
                batch.get(i).done = true;
            }
        }
    }

    /** How many grouped statements were written (groups of one not counted): for tests and benchmarks. */
    long groupStatements() {
        return statements.sum();
    }

    private void alone(String recipe, int version, String origin, Waiting w) {
        try {
            w.result = events.ingest(recipe, version, origin, w.event);
        } catch (RuntimeException e) {
            w.failure = e;
        }
        w.done = true;
    }
}
