package dev.braid.app.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit (ARCHITECTURE §8): writes that arrive one at a time from concurrent callers share one
 * statement and one commit instead of paying a round trip, a transaction, a statement's set-up and a WAL
 * flush each. Used for webhooks' events ({@link IngestGroups}) and attempts' endings ({@link FinishGroups}).
 *
 * <p>No one waits for a group to fill. A caller that finds no statement in flight writes everything waiting,
 * itself included; callers arriving meanwhile wait for that statement to end, and the first of them whose
 * item it did not hold writes the next group. A quiet server thus writes groups of one, and a busy one as
 * many items as arrived during the previous statement (at most {@code max}). Each caller returns after the
 * commit that holds its item. Only callers outside a transaction may come here: a group commits on its own.
 *
 * @param <I> what a caller writes
 * @param <O> what it is answered
 */
final class GroupCommit<I, O> {

    /** The two ways of writing: together, and alone for a group of one or when the group's statement fails. */
    interface Writer<I, O> {

        /**
         * Writes the items in one statement and commit and answers each in order; a {@code null} answer
         * sends that item down {@link #alone} afterwards. Throwing writes each of them alone: one item the
         * database refuses must not fail the others.
         */
        List<O> together(List<I> items);

        O alone(I item);
    }

    private final int max;
    private final Writer<I, O> writer;
    /** Held while a statement of this group is in flight; fair, so every waiter gets its turn. */
    private final ReentrantLock writing = new ReentrantLock(true);
    private final ConcurrentLinkedQueue<Waiting<I, O>> waiting = new ConcurrentLinkedQueue<>();
    private final LongAdder statements = new LongAdder();

    GroupCommit(int max, Writer<I, O> writer) {
        this.max = max;
        this.writer = writer;
    }

    /** Written by the writer before it releases {@link #writing}, read by the owner after taking it. */
    private static final class Waiting<I, O> {
        final I item;
        O result;
        RuntimeException failure;
        boolean done;

        Waiting(I item) {
            this.item = item;
        }
    }

    O write(I item) {
        Waiting<I, O> mine = new Waiting<>(item);
        waiting.add(mine);
        writing.lock();
        try {
            while (!mine.done) {
                write(next());
            }
        } finally {
            writing.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /** How many grouped statements were written (groups of one not counted): for tests and benchmarks. */
    long groupStatements() {
        return statements.sum();
    }

    /** How many callers wait for a statement: for tests. */
    int waitingCount() {
        return waiting.size();
    }

    private List<Waiting<I, O>> next() {
        List<Waiting<I, O>> batch = new ArrayList<>();
        for (Waiting<I, O> w; batch.size() < max && (w = waiting.poll()) != null; ) {
            batch.add(w);
        }
        return batch;
    }

    private void write(List<Waiting<I, O>> batch) {
        if (batch.size() == 1) {
            alone(batch.getFirst());
            return;
        }
        List<O> out;
        statements.increment();
        try {
            out = writer.together(batch.stream().map(w -> w.item).toList());
        } catch (RuntimeException e) {
            batch.forEach(this::alone);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Waiting<I, O> w = batch.get(i);
            if (out.get(i) == null) {
                alone(w);
            } else {
                w.result = out.get(i);
                w.done = true;
            }
        }
    }

    private void alone(Waiting<I, O> w) {
        try {
            w.result = writer.alone(w.item);
        } catch (RuntimeException e) {
            w.failure = e;
        }
        w.done = true;
    }
}
