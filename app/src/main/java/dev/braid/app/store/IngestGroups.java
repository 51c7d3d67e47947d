package dev.braid.app.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Group commit ({@link GroupCommit}) for events that arrive one at a time (webhooks): concurrent ingestions of
 * one recipe version share one statement and one commit ({@link EventStore#ingestEach}). Each caller returns
 * after the commit that holds its event, so a webhook is still answered only once its event and run are durable.
 */
@Component
public class IngestGroups {

    static final int MAX = 256;

    private final EventStore events;
    private final ConcurrentHashMap<Key, GroupCommit<EventStore.NewEvent, EventStore.Ingested>> groups =
            new ConcurrentHashMap<>();

    public IngestGroups(EventStore events) {
        this.events = events;
    }

    private record Key(String recipe, int version, String origin) {}

    /** As {@link EventStore#ingest(String, int, String, EventStore.NewEvent)}, sharing its commit with concurrent callers. */
    public EventStore.Ingested ingest(String recipe, int version, String origin, EventStore.NewEvent event) {
        return groups.computeIfAbsent(new Key(recipe, version, origin), k -> new GroupCommit<>(MAX, new GroupCommit.Writer<>() {
            @Override
            public List<EventStore.Ingested> together(List<EventStore.NewEvent> batch) {
                List<EventStore.Ingested> out = new ArrayList<>(events.ingestEach(recipe, version, origin, batch));
                // A duplicate whose key's first event went between the two statements (pruned): the single path retries.
                out.replaceAll(ingested -> ingested.duplicate() && ingested.eventId() == null ? null : ingested);
                return out;
            }

            @Override
            public EventStore.Ingested alone(EventStore.NewEvent event) {
                return events.ingest(recipe, version, origin, event);
            }
        })).write(event);
    }

    /** How many grouped statements were written (groups of one not counted): for tests and benchmarks. */
    long groupStatements() {
        return groups.values().stream().mapToLong(GroupCommit::groupStatements).sum();
    }
}
