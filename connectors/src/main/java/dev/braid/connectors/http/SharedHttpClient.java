package dev.braid.connectors.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The one {@link HttpClient} of a connector instance, built on first use: {@code ServiceLoader}
 * instantiates every connector at start-up, and a client starts a selector thread, so a server that
 * never calls HTTP should not pay for one.
 */
final class SharedHttpClient implements Supplier<HttpClient>, AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private ExecutorService executor;
    private HttpClient client;

    @Override
    public synchronized HttpClient get() {
        if (client == null) {
            executor = Executors.newVirtualThreadPerTaskExecutor();
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT)
                    // Redirects are followed by Exchange, which checks every hop against the egress guard.
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(executor)
                    .build();
        }
        return client;
    }

    /** Closes the client and its executor; a later {@link #get()} builds a fresh pair. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.shutdownNow();
            client.close();
            executor.shutdownNow();
            client = null;
            executor = null;
        }
    }
}
