package dev.braid.connectors.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 and a free port, answering each path as a test tells it and
 * recording what it received. Unknown paths answer 404. Public for the connectors built on http (openapi).
 */
public final class StubServer implements AutoCloseable {

    public record Received(String method, URI uri, Headers headers, byte[] body) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** How to answer one path. */
    @FunctionalInterface
    public interface Responder {
        void respond(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Responder> routes = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private StubServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StubServer start() {
        try {
            return new StubServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the stub server", e);
        }
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    public StubServer on(String path, Responder responder) {
        routes.put(path, responder);
        return this;
    }

    /** Answers {@code status} with a body and headers given as name, value pairs. */
    public StubServer on(String path, int status, String body, String... headers) {
        return on(path, exchange -> send(exchange, status, body, headers));
    }

    /** Holds each request for {@code delay} (or until the server closes) before answering 200. */
    StubServer slow(String path, Duration delay) {
        return on(path, exchange -> {
            closing.await(delay.toMillis(), TimeUnit.MILLISECONDS);
            send(exchange, 200, "late");
        });
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received last() {
        return received.getLast();
    }

    public static void send(HttpExchange exchange, int status, String body, String... headers) throws IOException {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Headers headers = new Headers();
            headers.putAll(exchange.getRequestHeaders());
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI(), headers, body));
            Responder responder = routes.get(exchange.getRequestURI().getPath());
            if (responder == null) {
                send(exchange, 404, "no route " + exchange.getRequestURI().getPath());
            } else {
                responder.respond(exchange);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away first (a timeout or a refused oversize body): nothing left to answer.
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
