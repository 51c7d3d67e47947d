package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Group commit of single events: 4,000 events from 64 threads at once (a quarter of them repeating an
 * earlier key, every other one pre-leased like the webhook fast path) come back each with its own answer —
 * one run per distinct key, duplicates pointing at the first run — written in far fewer statements than
 * events; and an event the database refuses fails alone.
 */
class IngestGroupsIT extends BraidIntegrationTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Autowired
    IngestGroups groups;

    @Test
    void concurrentEventsShareStatementsAndEachGetsItsOwnAnswer() throws Exception {
        jdbc.sql("insert into recipes (slug, name, trigger_type, version) values ('grouped', 'Grouped', 'webhook', 1)").update();
        int threads = 64;
        int perThread = 62;
        long statementsBefore = groups.groupStatements();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Map<String, Set<UUID>> runsByKey = new ConcurrentHashMap<>();
        List<Future<Integer>> duplicates = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                duplicates.add(pool.submit(() -> {
                    start.await();
                    int dup = 0;
                    for (int i = 0; i < perThread; i++) {
                        // every 4th event repeats a key another thread also sends
                        String key = i % 4 == 3 ? "shared-" + i : "k-" + thread + "-" + i;
                        boolean leased = i % 2 == 0 && !key.startsWith("shared");
                        EventStore.NewEvent event = new EventStore.NewEvent(key, null, NODES.objectNode().put("n", i), null,
                                null, null, leased ? "node-under-test" : null, leased ? Duration.ofSeconds(30) : null);
                        EventStore.Ingested ingested = groups.ingest("grouped", 1, "trigger", event);
                        assertThat(ingested.runId()).isNotNull();
                        assertThat(ingested.eventId()).isNotNull();
                        runsByKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(ingested.runId());
                        dup += ingested.duplicate() ? 1 : 0;
                    }
                    return dup;
                }));
            }
            start.countDown();
            int duplicateAnswers = 0;
            for (Future<Integer> f : duplicates) {
                duplicateAnswers += f.get();
            }
            int sent = threads * perThread;
            int sharedKeys = (int) runsByKey.keySet().stream().filter(k -> k.startsWith("shared")).count();
            assertThat(runsByKey.values()).as("every sender of a key got the same run").allMatch(s -> s.size() == 1);
            assertThat(sql.count("select count(*) from runs where recipe = 'grouped'")).isEqualTo(runsByKey.size());
            assertThat(sql.count("select count(*) from trigger_events where recipe = 'grouped'")).isEqualTo(runsByKey.size());
            assertThat(duplicateAnswers).isEqualTo(sent - runsByKey.size());
            assertThat(sharedKeys).isEqualTo(perThread / 4);
            // Pre-leased runs are running on the node; the others were queued (this server's workers may have taken them since).
            assertThat(sql.count("select count(*) from runs where recipe = 'grouped' and status = 'running' and locked_by = 'node-under-test' and attempt = 1"))
                    .isEqualTo(threads * (perThread / 2));
            assertThat(sql.count("select count(*) from runs where recipe = 'grouped' and locked_by is distinct from 'node-under-test'"))
                    .isEqualTo(runsByKey.size() - threads * (perThread / 2));
            long statements = groups.groupStatements() - statementsBefore;
            System.out.printf("ingest groups: %d events from %d threads in %d grouped statements (+ groups of one)%n",
                    sent, threads, statements);
            assertThat(statements).as("events shared statements").isPositive().isLessThan(sent / 2);
        } finally {
            pool.shutdownNow();
            jdbc.sql("delete from runs where recipe = 'grouped'").update();
            jdbc.sql("delete from trigger_events where recipe = 'grouped'").update();
            jdbc.sql("delete from recipes where slug = 'grouped'").update();
        }
    }

    @Test
    void anEventTheDatabaseRefusesFailsAloneAndTheOthersOfItsGroupAreStored() throws Exception {
        jdbc.sql("insert into recipes (slug, name, trigger_type, version) values ('grouped-bad', 'Grouped', 'webhook', 1)").update();
        int threads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<EventStore.Ingested>> answers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                answers.add(pool.submit(() -> {
                    start.await();
                    // jsonb refuses the NUL character: this event's statement fails in PostgreSQL.
                    String text = n == 7 ? "bad\u0000value" : "fine-" + n;
                    return groups.ingest("grouped-bad", 1, "trigger",
                            new EventStore.NewEvent("b-" + n, null, NODES.objectNode().put("text", text), null));
                }));
            }
            start.countDown();
            Set<UUID> runs = new HashSet<>();
            for (int t = 0; t < threads; t++) {
                if (t == 7) {
                    Future<EventStore.Ingested> bad = answers.get(t);
                    assertThatThrownBy(bad::get).hasMessageContaining("\\u0000");
                } else {
                    runs.add(answers.get(t).get().runId());
                }
            }
            assertThat(runs).hasSize(threads - 1);
            assertThat(sql.count("select count(*) from runs where recipe = 'grouped-bad'")).isEqualTo(threads - 1);
        } finally {
            pool.shutdownNow();
            jdbc.sql("delete from runs where recipe = 'grouped-bad'").update();
            jdbc.sql("delete from trigger_events where recipe = 'grouped-bad'").update();
            jdbc.sql("delete from recipes where slug = 'grouped-bad'").update();
        }
    }
}
