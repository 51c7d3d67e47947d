package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The group-commit mechanism on its own: callers arriving while a statement is in flight are written together by
 * the next one; a statement that throws is retried item by item, so only the item that fails alone fails; a
 * {@code null} answer sends that item alone; no group exceeds its maximum and every caller gets its own answer.
 */
class GroupCommitTest {

    /** Stands for the database: records each statement's items; a statement holding "bad" fails, as PostgreSQL would. */
    static final class Statements implements GroupCommit.Writer<String, String> {
        final List<List<String>> together = Collections.synchronizedList(new ArrayList<>());
        final List<String> alone = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstStatementMayEnd;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile int mostInFlight;

        Statements(CountDownLatch firstStatementMayEnd) {
            this.firstStatementMayEnd = firstStatementMayEnd;
        }

        @Override
        public List<String> together(List<String> items) {
            enter();
            try {
                together.add(items);
                if (items.contains("bad")) {
                    throw new IllegalStateException("statement refused");
                }
                return items.stream().map(i -> i.startsWith("again") ? null : "ok:" + i).toList();
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public String alone(String item) {
            enter();
            try {
                alone.add(item);
                holdUntilReleased();
                if (item.equals("bad")) {
                    throw new IllegalStateException("refused: " + item);
                }
                return "alone:" + item;
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private void enter() {
            int now = inFlight.incrementAndGet();
            mostInFlight = Math.max(mostInFlight, now);
        }

        private void holdUntilReleased() {
            try {
                firstStatementMayEnd.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void callersArrivingDuringAStatementAreWrittenTogetherAndEachGetsItsOwnAnswer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Statements db = new Statements(release);
        GroupCommit<String, String> group = new GroupCommit<>(10, db);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = threads.submit(() -> group.write("first"));
            awaitTrue(() -> db.alone.size() == 1);
            List<Future<String>> rest = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String item = i == 3 ? "again-3" : "item-" + i;
                rest.add(threads.submit(() -> group.write(item)));
            }
            awaitTrue(() -> queued(group) == 25);
            release.countDown();
            assertThat(first.get()).isEqualTo("alone:first");
            for (int i = 0; i < 25; i++) {
                assertThat(rest.get(i).get()).isEqualTo(i == 3 ? "alone:again-3" : "ok:item-" + i);
            }
        }
        assertThat(db.together).as("25 waiting callers in groups of at most 10").hasSize(3)
                .allSatisfy(items -> assertThat(items).hasSizeLessThanOrEqualTo(10));
        assertThat(db.together.stream().mapToInt(List::size).sum()).isEqualTo(25);
        assertThat(db.alone).containsExactly("first", "again-3");
        assertThat(db.mostInFlight).as("one statement at a time").isEqualTo(1);
        assertThat(group.groupStatements()).isEqualTo(3);
    }

    @Test
    void aStatementThatFailsIsWrittenItemByItemAndOnlyTheRefusedItemFails() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Statements db = new Statements(release);
        GroupCommit<String, String> group = new GroupCommit<>(100, db);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = threads.submit(() -> group.write("first"));
            awaitTrue(() -> db.alone.size() == 1);
            List<Future<String>> rest = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String item = i == 5 ? "bad" : "item-" + i;
                rest.add(threads.submit(() -> group.write(item)));
            }
            awaitTrue(() -> queued(group) == 8);
            release.countDown();
            assertThat(first.get()).isEqualTo("alone:first");
            for (int i = 0; i < 8; i++) {
                if (i == 5) {
                    Future<String> bad = rest.get(i);
                    assertThatThrownBy(bad::get).hasRootCauseMessage("refused: bad");
                } else {
                    assertThat(rest.get(i).get()).isEqualTo("alone:item-" + i);
                }
            }
        }
        assertThat(db.together).hasSize(1);
        assertThat(db.together.getFirst()).hasSize(8);
        assertThat(db.alone).hasSize(9);
    }

    private static int queued(GroupCommit<String, String> group) {
        return group.waitingCount();
    }

    private static void awaitTrue(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(10)).until(condition);
    }
}
