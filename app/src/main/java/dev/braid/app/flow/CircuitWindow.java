package dev.braid.app.flow;

/**
 * The outcomes of this node's last {@code slidingWindow} calls through one connection (count-based, as
 * resilience4j's): once it holds at least {@code minimumCalls}, a failure rate at or above the threshold trips the
 * circuit. Each node counts its own calls; the circuit it trips is shared ({@link FlowLedger}).
 */
final class CircuitWindow {

    private final FlowSettings.Breaker settings;
    private final boolean[] failed;
    private int next;
    private int calls;
    private int failures;

    CircuitWindow(FlowSettings.Breaker settings) {
        this.settings = settings;
        this.failed = new boolean[settings.slidingWindow()];
    }

    /** Records one outcome; the failure rate in percent when it trips the circuit, else -1. */
    synchronized float record(boolean failure) {
        if (calls == failed.length) {
            if (failed[next]) {
                failures--;
            }
        } else {
            calls++;
        }
        failed[next] = failure;
        if (failure) {
            failures++;
        }
        next = (next + 1) % failed.length;
        if (calls < settings.minimumCalls()) {
            return -1;
        }
        float rate = failures * 100f / calls;
        return rate >= settings.failureRateThreshold() ? rate : -1;
    }

    synchronized void clear() {
        java.util.Arrays.fill(failed, false);
        next = 0;
        calls = 0;
        failures = 0;
    }
}
