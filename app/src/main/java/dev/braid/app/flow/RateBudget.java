package dev.braid.app.flow;

import java.time.Clock;
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
 * <p>Tokens are paced: the cluster numbers a window's tokens as it leases them, and token {@code k} of a window of
 * {@code b} tokens is due {@code k · slice / b} after the window starts (10/s: 0 and 125 ms in a window of 2; 0, 83
 * and 166 ms in one of 3). So the due times of all nodes together are one token's share of the period apart, and
 * a target sees an even stream instead of each window's budget at once: any interval of length {@code per} holds
 * {@code requests} due times. A call whose token is not yet due waits for it (at most one slice, on the run's
 * virtual thread).
 *
 * <p>A call that finds no token is not held: the caller is told when to come back, at a slot the cluster hands
 * out one token's share of the period apart from the end of the current window on, so a crowd of deferred runs
 * wakes about as fast as tokens come instead of all at once (each wake that finds no token costs a park in the
 * queue). That is one short statement per deferred call, beside the run's own writes to park it.
 */
final class RateBudget {

    /**
     * The database's answer to a lease: {@code taken} tokens numbered from {@code first} in a window of
     * {@code budget} tokens, and how long that window still lasts.
     */
    record Lease(int taken, long remainingMillis, int first, int budget) {}

    /** What a call got: a token due at {@code at} (epoch millis of the clock), or none and when to ask again. */
    record Taken(boolean granted, long at) {

        static Taken due(long at) {
            return new Taken(true, at);
        }

        static Taken askAgainAt(long at) {
            return new Taken(false, at);
        }
    }

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

    /** The due times of this node's tokens, oldest first: {@code dues[next] … dues[end - 1]}. */
    private long[] dues = new long[0];
    private int next;
    private int end;
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

    /** A token (and when it is due), or when to ask again. */
    Taken take() {
        lock.lock();
        try {
            long now = clock.millis();
            if (now >= lapsesAt) {
                previousDemand = demand;
                demand = 0;
                next = end = 0;
                spent = false;
            }
            demand++;
            if (next < end) {
                return due(next++);
            }
            if (!spent) {
                int want = Math.max(1, Math.min(slices.largestBudget(), Math.max(previousDemand, demand)));
                Lease lease = leases.lease(connection, slices, want);
                long answered = clock.millis();
                counts.leases().incrementAndGet();
                counts.tokens().addAndGet(lease.taken());
                long remaining = Math.max(0, Math.min(lease.remainingMillis(), slices.sliceMillis()));
                // measured from before the statement: the tokens lapse no later than the window on the database's clock
                lapsesAt = now + remaining;
                // measured from after it: a token is never due earlier on this node than on the database's clock
                long windowStart = answered + remaining - slices.sliceMillis();
                keep(lease, windowStart);
                spent = lease.taken() < want;
                if (next < end) {
                    return due(next++);
                }
                spent = true;
            }
            return Taken.askAgainAt(now + Math.max(1, leases.slot(connection, slices)));
        } finally {
            lock.unlock();
        }
    }

    private Taken due(int token) {
        return Taken.due(dues[token]);
    }

    /** Keeps the leased tokens' due times: token {@code k} of the window is due {@code k · slice / budget} after its start. */
    private void keep(Lease lease, long windowStart) {
        if (dues.length < lease.taken()) {
            dues = new long[Math.max(lease.taken(), slices.largestBudget())];
        }
        next = 0;
        end = lease.taken();
        int budget = Math.max(1, lease.budget());
        for (int i = 0; i < end; i++) {
            long offset = (long) (lease.first() + i) * slices.sliceMillis() / budget;
            // never past the lapse: a token due after its window would be a token of the next one
            dues[i] = Math.min(windowStart + offset, lapsesAt - 1);
        }
    }

    /** Gives back a token taken by {@link #take()}, due at {@code due}, but not used (the call was refused for another reason). */
    void giveBack(long due) {
        lock.lock();
        try {
            // a token of an earlier window (next was reset since) is simply not given back: the budget only errs low
            if (clock.millis() < lapsesAt && next > 0) {
                dues[--next] = due;
            }
        } finally {
            lock.unlock();
        }
    }
}
