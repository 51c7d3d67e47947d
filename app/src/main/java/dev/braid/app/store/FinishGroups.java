package dev.braid.app.store;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Group commit ({@link GroupCommit}) for the ends of attempts: the attempts of one node that end while another
 * ending is being written share one statement and one commit ({@link RunStore#finishEach}). Every run used to
 * pay its own — a round trip, a statement's set-up, a transaction and a WAL flush — which in a profile of the
 * webhook benchmark was most of PostgreSQL's time per run. Each caller returns after the commit that holds its
 * ending, as with {@link RunStore#finish}; endings with a dead letter or runs to start (failures that dead-letter
 * or notify, {@code call:} steps) are rare and written alone by {@link RunStore#finish}.
 */
@Component
public class FinishGroups {

    static final int MAX = 256;

    private final RunStore runs;
    private final ConcurrentHashMap<String, GroupCommit<RunStore.Finish, Boolean>> groups = new ConcurrentHashMap<>();

    public FinishGroups(RunStore runs) {
        this.runs = runs;
    }

    /** As {@link RunStore#finish}, sharing its statement and commit with the endings of other attempts of {@code node}. */
    public boolean finish(UUID runId, String node, AttemptEnd end, List<StepStore.SeqRecord> records,
                          List<RunLogStore.LogLine> lines) {
        if (end.deadLetter() != null || !end.started().isEmpty()) {
            return runs.finish(runId, node, end, records, lines);
        }
        return groups.computeIfAbsent(node, n -> new GroupCommit<>(MAX, new GroupCommit.Writer<>() {
            @Override
            public List<Boolean> together(List<RunStore.Finish> finishes) {
                Set<UUID> written = runs.finishEach(n, finishes);
                return finishes.stream().map(f -> written.contains(f.runId())).toList();
            }

            @Override
            public Boolean alone(RunStore.Finish f) {
                return runs.finish(f.runId(), n, f.end(), f.records(), f.lines());
            }
        })).write(new RunStore.Finish(runId, end, records, lines));
    }

    /** How many grouped statements were written (groups of one not counted): for tests and benchmarks. */
    long groupStatements() {
        return groups.values().stream().mapToLong(GroupCommit::groupStatements).sum();
    }
}
