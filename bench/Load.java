// Load generators of bench/run-all.sh, one file for Java's source launcher (no build):
//
//   java -cp <kafka-clients.jar>:<slf4j-api.jar> bench/Load.java paced URL RATE SECONDS TAG [CLIENTS]
//       Open-loop webhook load: request i is due at start + i/RATE whatever became of the earlier ones (a slow
//       answer never delays the next request, unlike a closed loop, which measures its own queueing). CLIENTS (64)
//       connections each take the next request in order and send it when it is due, or at once if it is already
//       late because every client was busy: an overloaded server is not flooded with new connections, and a
//       request waiting for a free client is late. Its accept latency is taken from the moment it was due, so
//       waiting for a client or a generator that falls behind shows as latency, not as a lower rate (no
//       coordinated omission).
//   java ... bench/Load.java kafka BOOTSTRAP TOPIC COUNT TAG
//       Produces COUNT JSON records to TOPIC and waits until the broker has acknowledged every one.
//
// `paced` prints one line of key=value pairs that run-all.sh reads: offered and achieved rates, answers by
// status, accept p50/p99 in ms. Bodies are {"id":"<tag>-<n>","tag":"<tag>","n":<n>}: distinct, so the
// body-hash dedupe never folds two requests, and findable by tag in the runs table.

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

public class Load {

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "paced" -> paced(URI.create(args[1]), Double.parseDouble(args[2]), Integer.parseInt(args[3]), args[4],
                    args.length > 5 ? Integer.parseInt(args[5]) : 64);
            case "kafka" -> kafka(args[1], args[2], Integer.parseInt(args[3]), args[4]);
            default -> {
                System.err.println("usage: Load paced URL RATE SECONDS TAG | Load kafka BOOTSTRAP TOPIC COUNT TAG");
                System.exit(2);
            }
        }
    }

    static void paced(URI url, double rate, int seconds, String tag, int clients) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        int total = (int) Math.round(rate * seconds);
        long[] latency = new long[total];
        Arrays.fill(latency, -1);
        ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        LongAdder unsent = new LongAdder();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>("-");
        AtomicInteger next = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxBusy = new java.util.concurrent.atomic.AtomicInteger();
        long intervalNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        // A request still waiting for a free client this long after the window is left unsent: against a server far
        // below the offered rate the generator would otherwise go on for as long again.
        long giveUp = start + (long) seconds * 1_000_000_000L + 10_000_000_000L;
        // Each client takes the next request in order and sends it at its due time, or at once when it is already late
        // (every client was busy): request i's due time is start + i/rate whatever became of the earlier ones, and
        // its latency counts from then. No thread or queue per request: at twice a server's capacity a generator
        // holding every late request in a queue spent more CPU on the queue than on sending.
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                senders.submit(() -> {
                    for (int n; (n = next.getAndIncrement()) < total; ) {
                        long due = start + n * intervalNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        } else if (System.nanoTime() > giveUp) {
                            unsent.increment();
                            continue;
                        }
                        maxBusy.accumulateAndGet(busy.incrementAndGet(), Math::max);
                        String body = "{\"id\":\"%s-%d\",\"tag\":\"%s\",\"n\":%d}".formatted(tag, n, tag, n);
                        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        try {
                            HttpResponse<Void> answer = http.send(request, HttpResponse.BodyHandlers.discarding());
                            latency[n] = System.nanoTime() - due;
                            statuses.computeIfAbsent(answer.statusCode(), s -> new LongAdder()).increment();
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            failures.increment();
                            firstFailure.compareAndSet("-", (e.getClass().getSimpleName() + ":" + e.getMessage()).replace(' ', '_'));
                        } finally {
                            busy.decrementAndGet();
                        }
                    }
                });
            }
        }
        double offered = total / (double) seconds;
        long accepted = statuses.getOrDefault(202, new LongAdder()).sum();
        long[] acceptedLatency = java.util.stream.IntStream.range(0, total).filter(i -> latency[i] >= 0)
                .mapToLong(i -> latency[i]).sorted().toArray();
        StringBuilder others = new StringBuilder();
        statuses.forEach((status, count) -> {
            if (status != 202) {
                others.append(status).append(':').append(count.sum()).append(',');
            }
        });
        System.out.printf(Locale.ROOT, "offered_per_s=%.1f sent=%d accepted=%d accepted_per_s=%.1f other=%s failed=%d unsent=%d "
                        + "accept_p50_ms=%.2f accept_p99_ms=%.2f max_in_flight=%d first_failure=%s%n",
                offered, total - unsent.sum(), accepted, accepted / (double) seconds, others.isEmpty() ? "-" : others.substring(0, others.length() - 1),
                failures.sum(), unsent.sum(), percentile(acceptedLatency, 0.50), percentile(acceptedLatency, 0.99), maxBusy.get(),
                firstFailure.get());
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    static void kafka(String bootstrap, String topic, int count, String tag) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("linger.ms", "20");
        props.put("batch.size", "262144");
        props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        long start = System.nanoTime();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            for (int i = 0; i < count; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k" + (i % 1000),
                        "{\"id\":\"%s-%d\",\"tag\":\"%s\",\"n\":%d,\"amount\":%d.5}".formatted(tag, i, tag, i, i % 250)));
            }
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "produced=%d seconds=%.2f%n", count, (System.nanoTime() - start) / 1e9);
    }
}
