package dev.braid.app.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The child rows (step records, log lines) of several runs, flattened for one statement's arrays. */
final class RunRows {

    private RunRows() {}

    /** Adds every run's rows to {@code rows} in order and answers each row's run id, index for index. */
    static <T> UUID[] flatten(Map<UUID, List<T>> byRun, List<T> rows) {
        List<UUID> runs = new ArrayList<>();
        byRun.forEach((run, ofRun) -> {
            ofRun.forEach(r -> runs.add(run));
            rows.addAll(ofRun);
        });
        return runs.toArray(UUID[]::new);
    }
}
