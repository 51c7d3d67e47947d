package dev.braid.app.queue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.braid.app.secrets.Masker;
import dev.braid.app.store.RunLogStore;
import dev.braid.app.store.StepStore;
import dev.braid.engine.run.StepJournal;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.spi.RunLog;

/**
 * The journal of one attempt of one run. Records of pure steps wait in memory and go to PostgreSQL
 * with the next durable record (a side-effecting step) or with the end of the run — the whole
 * transform/if/log recipe costs one transaction, and no side effect is ever un-checkpointed.
 */
final class PgStepJournal implements StepJournal {

    /** Writes kept-back records and lines; the end of the run passes them to its own transaction instead. */
    interface Flush {
        void write(List<StepStore.SeqRecord> records, List<RunLogStore.LogLine> lines);
    }

    private final Map<String, StepStore.SeqRecord> previous;
    private final Map<String, StepStore.SeqRecord> pending = new LinkedHashMap<>();
    private final Map<String, Integer> seqByPath = new LinkedHashMap<>();
    private final List<RunLogStore.LogLine> lines = new ArrayList<>();
    private final Clock clock;
    private final Flush flush;
    private final Masker masker;
    private int nextSeq;
    private java.util.function.Consumer<StepRecord> observer = r -> { };

    PgStepJournal(Map<String, StepStore.SeqRecord> previous, Clock clock, Masker masker, Flush flush) {
        this.previous = previous;
        this.clock = clock;
        this.flush = flush;
        this.masker = masker;
        for (StepStore.SeqRecord r : previous.values()) {
            seqByPath.put(r.record().path(), r.seq());
            nextSeq = Math.max(nextSeq, r.seq() + 1);
        }
    }

    @Override
    public synchronized Optional<StepRecord> find(String path) {
        StepStore.SeqRecord r = previous.get(path);
        return r == null ? Optional.empty() : Optional.of(r.record());
    }

    /** Also hands every record to {@code observer} (the step meters), before it is masked for history. */
    PgStepJournal observedBy(java.util.function.Consumer<StepRecord> observer) {
        this.observer = observer;
        return this;
    }

    @Override
    public void record(StepRecord record, boolean durable) {
        observer.accept(record);
        List<StepStore.SeqRecord> records;
        List<RunLogStore.LogLine> logLines;
        synchronized (this) {
            int seq = seqByPath.computeIfAbsent(record.path(), p -> nextSeq++);
            // History keeps no secret; the engine goes on with the real values it holds in memory.
            pending.put(record.path(), new StepStore.SeqRecord(seq, masker.mask(record)));
            if (!durable) {
                return;
            }
            records = drainRecords();
            logLines = drainLines();
        }
        flush.write(records, logLines);
    }

    synchronized void log(String stepPath, RunLog.Level level, String message) {
        lines.add(new RunLogStore.LogLine(stepPath, level.name().toLowerCase(java.util.Locale.ROOT), masker.mask(message),
                clock.instant()));
    }

    synchronized List<StepStore.SeqRecord> drainRecords() {
        List<StepStore.SeqRecord> out = new ArrayList<>(pending.values());
        pending.clear();
        return out;
    }

    synchronized List<RunLogStore.LogLine> drainLines() {
        List<RunLogStore.LogLine> out = new ArrayList<>(lines);
        lines.clear();
        return out;
    }

}
