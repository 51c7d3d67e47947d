package dev.braid.app.stats;

import java.util.List;

/**
 * The answer of {@code GET /api/v1/stats} (ARCHITECTURE §10; the field names are the contract the UI
 * reads): latencies in milliseconds (null where no run ended), times ISO-8601. Counts are events in the
 * window: a run is {@code started} when it is created, and counted once more each time it ends (an
 * operator's retry of a failed run that then succeeds counts one failure and one success).
 */
public record Stats(String recipe, String window, String bucket, String from, String to, Totals totals,
                    Latency latency, List<Point> series, Queue queue, DeadLetters deadLetters, Sla sla) {

    public record Totals(long started, long succeeded, long failed, long cancelled, long duplicates) {}

    /** {@code avg} and {@code queueWaitAvg} (created → first claimed) are extras. */
    public record Latency(Long p50, Long p95, Long p99, Long avg, Long queueWaitAvg) {}

    public record Point(String at, long started, long succeeded, long failed, long cancelled, Long p95) {}

    /** Now, not over the window: runs waiting in the queue, and the age of the oldest due one. */
    public record Queue(long queued, long retrying, long waiting, long running, double lagSeconds) {}

    public record DeadLetters(long open) {}

    /** {@code maxLatency} in milliseconds, null for all recipes or a recipe without {@code sla}. */
    public record Sla(Long maxLatency, long breaches) {}
}
