package dev.braid.app.flow;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One node's share of a connection's cluster-wide rate budget: the tokens it leased for the current slice window
 * (see {@link RateSlices}) and when they lapse. A call takes a local token; only when none is left does the node
 * lease more, with one statement ({@link Leases}); once the window's budget is spent cluster-wide (the lease
 * brought fewer tokens than asked) the node asks no more until the window ends. So a busy node touches the
 * database about once per slice window, not once per call. A lease asks for about as many tokens as the node's
 * calls wanted in its previous window, at least one and at most the window's budget, so an idle node does not
 * hoard tokens that a busy node could use.
 *
 * <p>A call that finds no token is not held: the caller is told when to come back, at a slot the cluster hands
 * out one token's share of the period apart from the end of the current window on, so a crowd of deferred runs
 * wakes about as fast as tokens come instead of all at once (each wake that finds no token costs a park in the
 * queue). That is one short statement per deferred call, beside the run's own writes to park it.
 */
final class RateBudget {

    /** The database's answer to a lease: tokens taken, and how long the window they belong to still lasts. */
    record Lease(int taken, long remainingMillis) {}

    /** The shared budget ({@link FlowLedger}). */
    interface Leases {
        /** Takes up to {@code want} tokens of the current window of {@code slices} for {@code connection}. */
        Lease lease(String connection, RateSlices slices, int want);

        /** How many milliseconds from now a call that found no token should come back (a cluster-wide slot). */
        long slot(String connection, RateSlices slices);
    }

    private final String connection;
    private final RateSlices slices;
    private final Clock clock;
    private final Leases leases;
    private final ReentrantLock lock = new ReentrantLock();
    private final Counts counts;

    private int tokens;
    /** When this node's tokens lapse (epoch millis of {@link #clock}): the end of the window they were leased in. */
    private long lapsesAt = Long.MIN_VALUE;
    /** The window's budget is spent cluster-wide: no lease until {@link #lapsesAt}. */
    private boolean spent;
    private int demand;
    private int previousDemand;

    /** This node's leases and the tokens they brought, for its meters. */
    record Counts(AtomicLong leases, AtomicLong tokens) {}

    RateBudget(String connection, RateSlices slices, Clock clock, Leases leases, Counts counts) {
        this.counts = counts;
        this.connection = connection;
        this.slices = slices;
        this.clock = clock;
        this.leases = leases;
    }

    RateSlices slices() {
        return slices;
    }

    /** A token now ({@code null}), or when to ask again. */
    Instant take() {
        lock.lock();
        try {
            long now = clock.millis();
            if (now >= lapsesAt) {
                previousDemand = demand;
                demand = 0;
                tokens = 0;
                spent = false;
            }
            demand++;
            if (tokens > 0) {
                tokens--;
                return null;
            }
            if (!spent) {
                int want = Math.max(1, Math.min(slices.largestBudget(), Math.max(previousDemand, demand)));
                Lease lease = leases.lease(connection, slices, want);
                counts.leases().incrementAndGet();
                counts.tokens().addAndGet(lease.taken());
                // measured from before the statement: the tokens lapse no later than the window on the database's clock
                lapsesAt = now + Math.max(0, Math.min(lease.remainingMillis(), slices.sliceMillis()));
                tokens = lease.taken();
                spent = lease.taken() < want;
                if (tokens > 0) {
                    tokens--;
                    return null;
                }
                spent = true;
            }
            return Instant.ofEpochMilli(now + Math.max(1, leases.slot(connection, slices)));
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a token taken by {@link #take()} but not used (the call was refused for another reason). */
    void giveBack() {
        lock.lock();
        try {
            if (clock.millis() < lapsesAt) {
                tokens++;
            }
        } finally {
            lock.unlock();
        }
    }
}
