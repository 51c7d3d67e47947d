package dev.braid.app.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.api.LiveEvents;
import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.EventStream;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;

/**
 * Live events ({@code GET /api/v1/events}, ARCHITECTURE §10) over real HTTP: runs and steps as they happen,
 * from this node and another one, resumed with Last-Event-ID, filtered by recipe, and a client that never
 * reads dropped while the webhooks keep being answered.
 */
class LiveEventsIT extends BraidIntegrationTest {

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Autowired
    LiveEvents live;

    private static final String PAUSING = """
            slug: %s
            name: Live events
            concurrency: { limit: 5 }
            trigger:
              webhook: {}
            steps:
              - id: first
                action: core.transform
                with: { value: "{{ trigger.body.n }}" }
              - id: pause
                action: core.delay
                with: { duration: 1s }
              - id: last
                action: core.transform
                with: { value: "{{ trigger.body.n * 2 }}" }
            """;

    private static final String QUICK = """
            slug: %s
            name: Live events, quick
            trigger:
              webhook: {}
            steps:
              - id: echo
                action: core.transform
                with: { value: "{{ trigger.body }}" }
            """;

    @Test
    void aRunCreatedThroughAWebhookAndItsStatusChangesAreSeenWithinASecond() {
        braid.saveRecipe(PAUSING.formatted("live-pausing"));
        braid.saveRecipe(QUICK.formatted("live-other"));
        try (EventStream stream = EventStream.open(port, ADMIN_PASSWORD, "?recipe=live-pausing")) {
            String other = braid.webhook("live-other", "{\"n\": 0}");
            Instant answered = Instant.now();
            String runId = braid.webhook("live-pausing", "{\"n\": 21}");
            Instant answered2 = Instant.now();

            EventStream.Event created = stream.await(e -> e.type().equals("run") && e.run().path("id").asString().equals(runId),
                    Duration.ofSeconds(1));
            System.out.printf("live events: first event of a run %d ms after the webhook's answer%n",
                    Duration.between(answered2, created.at()).toMillis());
            assertThat(created.run().path("recipe").asString()).isEqualTo("live-pausing");
            // The summary is the run as it is when the event is sent: changes within a few ms are shown once.
            assertThat(created.run().path("status").asString()).isIn("queued", "running", "waiting");

            // Every status that lasts longer than a batch (braid.events.coalesce, 250 ms) is announced: waiting (the
            // 1 s delay), then succeeded.
            EventStream.Event waiting = stream.await(e -> e.type().equals("run") && e.run().path("id").asString().equals(runId)
                    && e.run().path("status").asString().equals("waiting"), Duration.ofSeconds(5));
            assertThat(Duration.between(answered, waiting.at())).isLessThan(Duration.ofSeconds(5));
            braid.awaitStatus(runId, "succeeded");
            Instant finished = Instant.now();
            EventStream.Event done = stream.await(e -> e.type().equals("run") && e.run().path("id").asString().equals(runId)
                    && e.run().path("status").asString().equals("succeeded"), Duration.ofSeconds(1));
            System.out.printf("live events: 'succeeded' seen %d ms after the API showed it%n",
                    Duration.between(finished, done.at()).toMillis());
            assertThat(done.run().path("finishedAt").isNull()).isFalse();
            assertThat(done.id()).matches("[0-9a-z]+-[0-9]+");

            // Step events carry the run summary and the finished steps.
            await().atMost(Duration.ofSeconds(2)).until(() -> stream.ofRun(runId).stream()
                    .filter(e -> e.type().equals("step")).flatMap(e -> e.data().path("steps").valueStream())
                    .map(s -> s.path("path").asString()).collect(Collectors.toSet()).containsAll(Set.of("first", "pause", "last")));
            EventStream.Event last = stream.ofRun(runId).stream()
                    .filter(e -> e.type().equals("step") && e.data().path("steps").valueStream()
                            .anyMatch(s -> s.path("path").asString().equals("last")))
                    .findFirst().orElseThrow();
            assertThat(last.data().path("steps").valueStream().filter(s -> s.path("path").asString().equals("last")).findFirst()
                    .orElseThrow().path("status").asString()).isEqualTo("succeeded");
            assertThat(last.run().path("recipe").asString()).isEqualTo("live-pausing");
            assertThat(last.run().path("id").asString()).isEqualTo(runId);

            // The summary is the runs API's: same fields.
            JsonFields api = new JsonFields(api().get("/api/v1/runs?recipe=live-pausing").json().path("items").get(0));
            assertThat(new JsonFields(done.run()).names()).isEqualTo(api.names());

            // Filtered by recipe: the other recipe's run is not on this stream.
            assertThat(stream.events()).noneMatch(e -> other.equals(e.run().path("id").asString()));
            // Event ids increase.
            List<Long> ids = stream.events().stream().map(e -> Long.parseLong(e.id().substring(e.id().indexOf('-') + 1))).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aClientThatTakesGzipGetsTheSameEventsCompressed() {
        braid.saveRecipe(QUICK.formatted("live-gzip"));
        try (EventStream plain = EventStream.open(port, ADMIN_PASSWORD, "?recipe=live-gzip");
             EventStream gzip = EventStream.openTakingGzip(port, ADMIN_PASSWORD, "?recipe=live-gzip")) {
            assertThat(plain.encoding()).isEqualTo("identity");
            assertThat(gzip.encoding()).isEqualTo("gzip");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ids.add(braid.webhook("live-gzip", "{\"n\": " + i + "}"));
            }
            for (EventStream stream : List.of(plain, gzip)) {
                for (String id : ids) {
                    stream.await(e -> e.type().equals("run") && e.run().path("id").asString().equals(id)
                            && e.run().path("status").asString().equals("succeeded"), Duration.ofSeconds(10));
                }
            }
            // the same batches: the same events with the same ids, whichever encoding carried them
            Set<String> runs = Set.copyOf(ids);
            assertThat(ofRuns(gzip, runs)).isEqualTo(ofRuns(plain, runs)).hasSizeGreaterThanOrEqualTo(600);
        }
    }

    /** The status line and headers of a response, read byte by byte so nothing after them is taken. */
    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static List<String> ofRuns(EventStream stream, Set<String> runs) {
        return stream.events().stream().filter(e -> runs.contains(e.run().path("id").asString()))
                .map(e -> e.id() + " " + e.type() + " " + e.data()).toList();
    }

    @Test
    void aRunCreatedOnAnotherNodeIsSeenHereWithinASecond() {
        braid.saveRecipe(QUICK.formatted("live-two-nodes"));
        ServerProcess other = servers.start(ADMIN_PASSWORD, ServerProcesses.clusterArgs());
        try (EventStream stream = EventStream.open(port, ADMIN_PASSWORD, "?recipe=live-two-nodes")) {
            // The other node's first run warms it up (a JVM that just started, on a busy machine); the next is timed.
            String first = other.braid().webhook("live-two-nodes", "{\"n\": 0}");
            stream.await(e -> e.run().path("id").asString().equals(first), Duration.ofSeconds(10));
            String runId = other.braid().webhook("live-two-nodes", "{\"n\": 1}");
            Instant answered = Instant.now();
            EventStream.Event seen = stream.await(e -> e.run().path("id").asString().equals(runId), Duration.ofSeconds(1));
            System.out.printf("live events: a run of the other node seen here %d ms after its webhook's answer%n",
                    Duration.between(answered, seen.at()).toMillis());
            // Its end, carried by a run event or by the step event of its last step (both hold the run summary).
            other.braid().awaitStatus(runId, "succeeded");
            stream.await(e -> e.run().path("id").asString().equals(runId)
                    && e.run().path("status").asString().equals("succeeded"), Duration.ofSeconds(10));
        }
    }

    @Test
    void aClientThatReconnectsWithLastEventIdGetsWhatItMissed() {
        braid.saveRecipe(QUICK.formatted("live-resume"));
        String before;
        String lastId;
        try (EventStream first = EventStream.open(port, ADMIN_PASSWORD, "?recipe=live-resume")) {
            before = braid.webhook("live-resume", "{\"n\": 1}");
            first.await(e -> e.type().equals("run") && e.run().path("id").asString().equals(before)
                    && e.run().path("status").asString().equals("succeeded"), Duration.ofSeconds(5));
            await().pollDelay(Duration.ofMillis(300)).until(() -> true); // its step events too
            lastId = first.lastId();
        }
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            missed.add(braid.webhook("live-resume", "{\"n\": " + (100 + i) + "}")); // distinct bodies: no duplicates
        }
        missed.forEach(id -> braid.awaitStatus(id, "succeeded"));
        try (EventStream resumed = EventStream.open(port, ADMIN_PASSWORD, "?recipe=live-resume", lastId)) {
            for (String id : missed) {
                resumed.await(e -> e.type().equals("run") && e.run().path("id").asString().equals(id), Duration.ofSeconds(3));
            }
            assertThat(resumed.events()).as("nothing from before the last id seen")
                    .noneMatch(e -> before.equals(e.run().path("id").asString()));
            assertThat(resumed.events()).noneMatch(e -> e.type().equals("reload"));
        }
        // An id this node never gave (another node's, an earlier start's, or long gone) asks the client to reload.
        try (EventStream stale = EventStream.open(port, ADMIN_PASSWORD, "?recipe=live-resume", "zzzz-5")) {
            EventStream.Event reload = stale.await(e -> e.type().equals("reload"), Duration.ofSeconds(2));
            assertThat(reload.data().path("reason").asString()).contains("zzzz-5");
            String after = braid.webhook("live-resume", "{\"n\": 99}");
            stale.await(e -> e.run().path("id").asString().equals(after), Duration.ofSeconds(2));
        }
    }

    @Test
    void aClientThatNeverReadsIsDroppedAndTheWebhooksKeepBeingAnswered() throws Exception {
        braid.saveRecipe(QUICK.formatted("live-slow"));
        long droppedBefore = live.dropped();
        String big = "x".repeat(20_000); // each run's summary carries its output: ~20 KB per event
        List<Long> before = send("live-slow", 400, big); // without a stuck client, for comparison
        try (EventStream reading = EventStream.open(port, ADMIN_PASSWORD, "?recipe=live-slow");
             Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Basic "
                    + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8))
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = stuck.getInputStream();
            // its headers, so the server has it among its streams (streams of earlier tests' closed browsers and
            // clients may still be counted until a write to them fails); from now on it never reads
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200");
            int streams = live.clients();

            List<Long> latencies = new ArrayList<>();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            try {
                int sent = 0;
                while (live.dropped() == droppedBefore && sent < 6000) {
                    List<Future<Long>> batch = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        int n = sent + i;
                        batch.add(senders.submit(() -> {
                            long t = System.nanoTime();
                            ApiClient.Response r = anonymous.postJson("/hooks/live-slow", Map.of("n", n, "pad", big));
                            assertThat(r.status()).isEqualTo(202);
                            return (System.nanoTime() - t) / 1_000;
                        }));
                    }
                    for (Future<Long> f : batch) {
                        latencies.add(f.get());
                    }
                    sent += batch.size();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> live.dropped() > droppedBefore);
                System.out.printf("live events: the client that never reads was dropped after %d webhooks;"
                        + " webhook answers p50 %d µs, p99 %d µs, max %d µs (before it connected: p50 %d µs, p99 %d µs,"
                        + " max %d µs)%n", sent, percentile(latencies, 50), percentile(latencies, 99), percentile(latencies, 100),
                        percentile(before, 50), percentile(before, 99), percentile(before, 100));
            } finally {
                senders.shutdownNow();
            }
            assertThat(live.dropped()).isGreaterThan(droppedBefore);
            await().atMost(Duration.ofSeconds(5)).until(() -> live.clients() <= streams - 1);
            // The reading client is still served, and the server still answers.
            String after = braid.webhook("live-slow", "{\"n\": -1}");
            reading.await(e -> e.run().path("id").asString().equals(after), Duration.ofSeconds(5));
        }
    }

    /** Posts {@code count} webhooks from 4 threads; their answer times in µs. */
    private List<Long> send(String slug, int count, String pad) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = -1_000_000 - i;
                sent.add(senders.submit(() -> {
                    long t = System.nanoTime();
                    ApiClient.Response r = anonymous.postJson("/hooks/" + slug, Map.of("n", n, "pad", pad));
                    assertThat(r.status()).isEqualTo(202);
                    return (System.nanoTime() - t) / 1_000;
                }));
            }
            List<Long> out = new ArrayList<>();
            for (Future<Long> f : sent) {
                out.add(f.get());
            }
            return out;
        } finally {
            senders.shutdownNow();
        }
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** The field names of a JSON object, to compare shapes. */
    private record JsonFields(tools.jackson.databind.JsonNode node) {
        Set<String> names() {
            Set<String> out = new java.util.TreeSet<>();
            node.propertyNames().forEach(out::add);
            return out;
        }
    }

    private ApiClient api() {
        return api;
    }
}
