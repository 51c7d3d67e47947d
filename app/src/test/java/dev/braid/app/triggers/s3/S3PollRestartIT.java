package dev.braid.app.triggers.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.TestKafka;
import dev.braid.app.support.TestS3;

/**
 * Exactly one run per new object (ARCHITECTURE §3): the server runs as its own JVM and polls a prefix of a bucket
 * of an S3-compatible server in this JVM through {@code s3.list} with the cursor {@code position}
 * ({@code lastModified|key}); it is killed with SIGKILL while 1,000 objects are being written, eight at a time
 * (so many share a millisecond). A poll commits its events, runs and cursor together, so the new server goes on
 * from the last committed cursor: every object has one run, objects of the same time included.
 */
class S3PollRestartIT {

    private static final Logger log = LoggerFactory.getLogger(S3PollRestartIT.class);
    private static final String PASSWORD = "s3-restart-pw";
    private static final int OBJECTS = 1_000;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    private final TestS3 s3 = new TestS3("landing");

    @AfterEach
    void stopS3() {
        s3.close();
    }

    @Test
    void aThousandObjectsWithASigkillInTheMiddleMakeExactlyAThousandRuns() throws Exception {
        // Already there before the recipe exists: the throughput of a poll catching up.
        writeAll("preloaded/", OBJECTS);
        ServerProcess first = start();
        ApiClient.Response saved = first.braid().saveConnection(Map.of("name", "lake", "connector", "s3", "settings",
                s3.connectionSettings("landing")));
        assertThat(saved.status()).as(saved.body()).isBetween(200, 201);
        first.braid().saveRecipe(recipe("landed", "incoming/", 200));

        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> writeAll("incoming/", OBJECTS));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'landed'") >= 200);
        long before = servers.count("select count(*) from trigger_events where recipe = 'landed'");
        first.kill();
        log.info("Killed the server after {} objects had their run", before);

        ServerProcess second = start();
        writing.join();
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'landed'") >= OBJECTS);
        // Polls go on every second: nothing more may come of them.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'landed'") == OBJECTS);
        assertThat(servers.count("select count(*) from runs where recipe = 'landed'")).isEqualTo(OBJECTS);
        assertThat(servers.count("select count(distinct (trigger -> 'body' ->> 'key')) from runs where recipe = 'landed'"))
                .isEqualTo(OBJECTS);
        assertThat(servers.count("select count(distinct (trigger -> 'body' ->> 'lastModified')) from runs where recipe = 'landed'"))
                .as("objects that share their last-modified time with another (the tie the key breaks)").isLessThan(OBJECTS);
        assertThat(servers.count("select count(*) from dead_letters")).isZero();

        // Throughput: objects already in a prefix when a recipe starts polling it, until each has its run stored.
        long began = System.nanoTime();
        second.braid().saveRecipe(recipe("preloaded", "preloaded/", 1000));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> servers.count("select count(*) from runs where recipe = 'preloaded'") >= OBJECTS);
        double seconds = (System.nanoTime() - began) / 1e9;
        assertThat(servers.count("select count(*) from runs where recipe = 'preloaded'")).isEqualTo(OBJECTS);
        log.info("BENCH s3 poll: {} objects in the prefix -> {} runs stored {} s after the recipe was saved: {} objects/s "
                + "(incl. up to 1 s until the first poll; polls of up to 1000 every 1s)", OBJECTS, OBJECTS,
                String.format("%.2f", seconds), Math.round(OBJECTS / seconds));
        second.terminate(Duration.ofSeconds(60));
    }

    private static String recipe(String slug, String prefix, int maxKeys) {
        return """
                slug: %s
                name: One run per new object under %s
                trigger:
                  poll:
                    connection: lake
                    every: 1s
                    action: s3.list
                    with: { prefix: "%s", after: "{{ cursor }}", maxKeys: %d }
                    cursor: position
                    initialCursor: ""
                steps:
                  - id: key
                    action: core.transform
                    with: { value: "{{ trigger.body.key }}" }
                """.formatted(slug, prefix, prefix, maxKeys);
    }

    /** {@code count} objects under {@code prefix}, eight writers at a time, in bursts with short pauses. */
    private void writeAll(String prefix, int count) {
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            for (int from = 0; from < count; from += 40) {
                int start = from;
                CompletableFuture.allOf(IntStream.range(start, Math.min(count, start + 40))
                        .mapToObj(i -> CompletableFuture.runAsync(
                                () -> s3.put("landing", prefix + String.format("%05d.json", i), "{\"n\": " + i + "}"), writers))
                        .toArray(CompletableFuture[]::new)).join();
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writers.shutdown();
        }
    }

    private ServerProcess start() {
        return servers.start(PASSWORD,
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "--braid.triggers.refresh=1s");
    }
}
