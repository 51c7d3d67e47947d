package dev.braid.app.queue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.app.ingest.IngestSettings;
import dev.braid.app.store.RunStore;

/**
 * The bounded backlog ({@code braid.ingest.max-backlog}; README "Back-pressure"): how many runs wait to be
 * claimed, and how long a refused sender should wait before trying again.
 *
 * <p>No request counts the queue. Every {@code backlog-refresh} one index-only count of the due, unclaimed runs
 * ({@link RunStore#dueCount}) is taken; between two counts the runs this node queued itself are added, so a
 * burst cannot overshoot the bound by a refresh interval's worth of arrivals (other nodes' arrivals show with
 * the next count). Runs are added once committed, so the estimate errs high (a run committed while the count
 * is taken may be counted twice until the next one); concurrent requests checked before any of them is stored
 * may pass the bound together, by at most the requests in flight.
 *
 * <p>{@code Retry-After} is Little's law read backwards: the backlog divided by the recent rate at which this
 * node finishes runs (an average over about ten seconds), at least 1 s, at most {@link #MAX_RETRY_AFTER} (also
 * the answer while nothing finishes). With several nodes each sees only its own share of the throughput, so
 * the wait it names errs long.
 */
@Component
public class Backlog implements SmartLifecycle {

    /** The longest wait named in a {@code Retry-After}: beyond it a figure is a guess, and senders should come back. */
    static final long MAX_RETRY_AFTER = 300;
    /** The span the finishing rate is averaged over. */
    private static final Duration RATE_SPAN = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(Backlog.class);

    private final RunStore runs;
    private final IngestSettings settings;
    private final LongAdder queuedHere = new LongAdder();
    private final LongAdder finishedHere = new LongAdder();
    private final AtomicReference<Count> last = new AtomicReference<>(new Count(0, 0, 0, 0, System.nanoTime()));
    private final BackgroundLoop loop;

    /**
     * The last count: {@code due} runs, taken when this node had queued {@code queuedBefore} and finished
     * {@code finishedBefore} runs in all; {@code rate}: runs finished per second, averaged.
     */
    private record Count(long due, long queuedBefore, long finishedBefore, double rate, long atNanos) {}

    public Backlog(RunStore runs, IngestSettings settings) {
        this.runs = runs;
        this.settings = settings;
        this.loop = new BackgroundLoop("braid-backlog", this::refresh,
                e -> log.debug("Counting the backlog failed: {}", e.toString()));
    }

    /** This node has queued a run (not started it on the fast path), committed. */
    void queuedHere() {
        queuedHere.increment();
    }

    /** This node has finished executing a run (whatever its outcome). */
    void finishedHere() {
        finishedHere.increment();
    }

    /** The runs waiting to be claimed, as far as this node knows. */
    public long estimate() {
        Count count = last.get();
        return count.due() + Math.max(0, queuedHere.sum() - count.queuedBefore());
    }

    /** The bound. */
    public long bound() {
        return settings.maxBacklog();
    }

    /**
     * Empty while a new run may be queued; otherwise the seconds a sender should wait ({@code Retry-After}):
     * the bound is set and the backlog has reached it.
     */
    public OptionalLong refusal() {
        if (!settings.bounded()) {
            return OptionalLong.empty();
        }
        long waiting = estimate();
        return waiting < settings.maxBacklog() ? OptionalLong.empty() : OptionalLong.of(retryAfter(waiting, last.get().rate()));
    }

    /** Backlog ÷ throughput in whole seconds, rounded up, within [1, {@link #MAX_RETRY_AFTER}]. */
    static long retryAfter(long waiting, double runsPerSecond) {
        if (runsPerSecond <= 0) {
            return MAX_RETRY_AFTER;
        }
        double seconds = Math.ceil(waiting / runsPerSecond);
        return (long) Math.max(1, Math.min(MAX_RETRY_AFTER, seconds));
    }

    /** One count of the backlog and one step of the finishing rate's moving average. */
    void refresh() {
        long queued = queuedHere.sum();
        long finished = finishedHere.sum();
        long now = System.nanoTime();
        long due = runs.dueCount();
        Count before = last.get();
        double elapsed = (now - before.atNanos()) / 1e9;
        double rate = before.rate();
        if (elapsed > 0) {
            double recent = (finished - before.finishedBefore()) / elapsed;
            double weight = Math.min(1, elapsed / RATE_SPAN.toSeconds());
            // Nothing measured yet: take the first figure as it is rather than climbing from zero.
            rate = rate == 0 ? recent : rate + weight * (recent - rate);
        }
        last.set(new Count(due, queued, finished, rate, now));
    }

    /** Counts only when there is a bound to enforce: an unbounded node reads nothing. */
    @Override
    public void start() {
        if (settings.bounded()) {
            loop.start(Duration.ZERO, settings.backlogRefresh());
        }
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }
}
