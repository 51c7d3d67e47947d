package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP target on 127.0.0.1 for connector and run tests: answers per path with a programmable
 * response, records every request (with its Idempotency-Key), and can hold a path until released.
 */
public final class StubServer implements AutoCloseable {

    /**
     * A request as it arrived; {@code at} is when the stub received it (before any hold or delay); {@code query}
     * the raw query string or null, {@code authorization} that header or null.
     */
    public record Received(String method, String path, String idempotencyKey, String body, Instant at, String query,
                           String authorization) {
        public Received(String method, String path, String idempotencyKey, String body) {
            this(method, path, idempotencyKey, body, Instant.now(), null, null);
        }
    }

    public record Reply(int status, String contentType, String body, Map<String, String> headers) {
        public Reply(int status, String contentType, String body) {
            this(status, contentType, body, Map.of());
        }

        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body);
        }

        /** This reply with one more response header (for example {@code Retry-After}). */
        public Reply withHeader(String name, String value) {
            Map<String, String> more = new java.util.LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, contentType, body, Map.copyOf(more));
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Integer, Reply>> replies = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    public StubServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers {@code path}; the function gets the 1-based number of the call to that path. */
    public void reply(String path, Function<Integer, Reply> reply) {
        replies.put(path, reply);
    }

    /** Requests to {@code path} wait until {@link #release(String)}. */
    public void hold(String path) {
        holds.put(path, new CountDownLatch(1));
    }

    /** Requests to {@code path} are answered only after {@code delay} (a slow target; {@link #close} cuts it short). */
    public void delay(String path, Duration delay) {
        delays.put(path, delay);
    }

    public void release(String path) {
        CountDownLatch latch = holds.remove(path);
        if (latch != null) {
            latch.countDown();
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), path,
                exchange.getRequestHeaders().getFirst("Idempotency-Key"), body, Instant.now(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization")));
        int call = counts.computeIfAbsent(path, p -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        CountDownLatch hold = holds.get(path);
        if (hold != null) {
            try {
                hold.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Duration delay = delays.get(path);
        if (delay != null) {
            try {
                closed.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Reply reply = replies.getOrDefault(path, n -> Reply.json(200, "{\"ok\":true}")).apply(call);
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
        reply.headers().forEach(exchange.getResponseHeaders()::add);
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        closed.countDown();
        holds.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }
}
