package dev.braid.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;

/**
 * Slowloris against the webhook endpoint (issue 14): connections that dribble one header line every
 * 2 s are closed once braid.http.header-timeout has passed since their request began, while ordinary
 * webhooks keep being answered. Latencies are printed, not asserted.
 */
class SlowClientsIT extends BraidIntegrationTest {

    static final int SLOW_CONNECTIONS = 200;
    static final Duration DRIBBLE = Duration.ofSeconds(2);

    @Autowired
    BraidProperties properties;

    /** One slow client: the request line at once, then a header line whenever {@link #dribble} is called. */
    static final class Slow implements AutoCloseable {
        final Socket socket = new Socket();
        final long openedNanos = System.nanoTime();
        long closedNanos = -1;
        int lines;

        Slow(int port) throws IOException {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(1);
            socket.getOutputStream().write("POST /hooks/slow-target HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Sends the next header line; false once the server has closed the connection. */
        boolean dribble() {
            if (closedNanos > 0) {
                return false;
            }
            try {
                InputStream in = socket.getInputStream();
                try {
                    if (in.read() < 0) {
                        closedNanos = System.nanoTime();
                        return false;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // nothing to read: the server is still waiting for our headers
                }
                socket.getOutputStream().write(("X-Slow-" + lines++ + ": still typing\r\n").getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                return true;
            } catch (IOException e) {
                closedNanos = System.nanoTime();
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void dribblingHeadersAreCutOffWhileWebhooksKeepAnswering() throws Exception {
        braid.saveRecipe("""
                slug: slow-target
                name: Slow clients target
                trigger:
                  webhook: {}
                steps:
                  - id: note
                    action: core.transform
                    with: { value: "{{ trigger.body.n }}" }
                """);
        Duration timeout = properties.http().headerTimeout();
        List<Slow> slow = new ArrayList<>();
        List<Long> webhookMillis = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                slow.add(new Slow(port));
            }
            long start = System.nanoTime();
            // Dribble for up to the deadline plus a generous margin; a fixed server would keep them all.
            long giveUp = start + timeout.plusSeconds(20).toNanos();
            int webhooks = 0;
            while (System.nanoTime() < giveUp && slow.stream().anyMatch(s -> s.closedNanos < 0)) {
                long t0 = System.nanoTime();
                ApiClient.Response accepted = anonymous.postJson("/hooks/slow-target", Map.of("n", webhooks++));
                webhookMillis.add((System.nanoTime() - t0) / 1_000_000);
                assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
                slow.forEach(Slow::dribble);
                Thread.sleep(DRIBBLE.toMillis());
            }
            long open = slow.stream().filter(s -> s.closedNanos < 0).count();
            long latestClose = slow.stream().mapToLong(s -> s.closedNanos < 0 ? Long.MAX_VALUE : s.closedNanos - s.openedNanos)
                    .max().orElse(0) / 1_000_000;
            int mostLines = slow.stream().mapToInt(s -> s.lines).max().orElse(0);
            System.out.printf("%d slow-header connections (a line every %d s): %d still open; the last closed %d ms after it "
                            + "opened, after at most %d header lines (braid.http.header-timeout %s)%n",
                    SLOW_CONNECTIONS, DRIBBLE.toSeconds(), open, latestClose, mostLines, timeout);
            System.out.printf("%d webhooks meanwhile, latency ms: %s%n", webhookMillis.size(), webhookMillis);

            assertThat(open).as("slow-header connections still open").isZero();
            // Seen closed at the first dribble after the close: the deadline, the once-a-second check, one dribble.
            assertThat(latestClose).isLessThan(timeout.plus(DRIBBLE).plusSeconds(6).toMillis());
            // Closed because of the header deadline, not because the client stopped: each sent lines well past it.
            assertThat(mostLines).isGreaterThanOrEqualTo((int) (timeout.toSeconds() / DRIBBLE.toSeconds()) - 1);
            assertThat(webhookMillis).isNotEmpty();
        } finally {
            for (Slow s : slow) {
                s.close();
            }
        }
    }
}
