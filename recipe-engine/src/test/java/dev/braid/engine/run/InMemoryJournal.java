package dev.braid.engine.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link StepJournal} that keeps every {@code record} call with its durable flag. {@code find}
 * answers the latest record of a path, whether pre-filled (an earlier attempt) or recorded by an
 * earlier {@code execute} with this journal, so a test can run retries and resumes back to back.
 */
final class InMemoryJournal implements StepJournal {

    record Call(StepRecord record, boolean durable) {
        String path() {
            return record.path();
        }

        StepStatus status() {
            return record.status();
        }
    }

    private final Map<String, StepRecord> latest = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();

    /** A record from an earlier attempt of the run; not counted as a call. */
    synchronized InMemoryJournal prefill(StepRecord record) {
        latest.put(record.path(), record);
        return this;
    }

    @Override
    public synchronized Optional<StepRecord> find(String path) {
        return Optional.ofNullable(latest.get(path));
    }

    @Override
    public synchronized void record(StepRecord record, boolean durable) {
        latest.put(record.path(), record);
        calls.add(new Call(record, durable));
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Call> calls(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    synchronized StepRecord latest(String path) {
        StepRecord r = latest.get(path);
        if (r == null) {
            throw new AssertionError("No record of " + path + "; recorded: " + latest.keySet());
        }
        return r;
    }

    synchronized List<String> paths() {
        return calls.stream().map(Call::path).distinct().toList();
    }

    /** "path:status:durable" per call, in order: a readable picture of the checkpoint sequence. */
    synchronized List<String> sequence() {
        return calls.stream().map(c -> c.path() + ":" + c.status().wire() + (c.durable() ? ":durable" : "")).toList();
    }
}
