package dev.braid.app.triggers.cdc;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * When a source's reader keeps failing (the database refuses replication, the slot limit is reached),
 * it is started again after 2 s, 4 s, 8 s ... up to a minute, not at every reconcile; a reader that ran
 * for a minute before it failed starts over from the shortest wait. The lock is let go meanwhile, so
 * another node may try. Used from the reconciler's one thread.
 */
final class RestartBackoff {

    static final Duration FIRST = Duration.ofSeconds(2);
    static final Duration LONGEST = Duration.ofMinutes(1);

    private record State(int failures, long retryAtNanos) {}

    private final Map<String, State> states = new HashMap<>();

    /** Records a failure of {@code source}'s reader after it ran for {@code ranFor}; answers how long to wait. */
    Duration failed(String source, Duration ranFor) {
        State previous = states.get(source);
        int failures = previous == null || ranFor.compareTo(LONGEST) >= 0 ? 1 : previous.failures() + 1;
        Duration wait = delay(failures);
        states.put(source, new State(failures, System.nanoTime() + wait.toNanos()));
        return wait;
    }

    /** True while {@code source} waits before its next start. */
    boolean waiting(String source) {
        State s = states.get(source);
        return s != null && System.nanoTime() - s.retryAtNanos() < 0;
    }

    static Duration delay(int failures) {
        Duration d = FIRST;
        for (int i = 1; i < failures && d.compareTo(LONGEST) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(LONGEST) > 0 ? LONGEST : d;
    }
}
