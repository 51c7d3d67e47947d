package dev.braid.app.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer;
import dev.braid.app.support.StubServer.Reply;

/** A connection's rate limit end to end: 10 runs all succeed and the target never sees more than the limit per period. */
class RateLimitIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(RateLimitIT.class);
    /** Clock tolerance between the limiter's period (nanoTime) and the stub's recorded instants. */
    private static final Duration TOLERANCE = Duration.ofMillis(50);

    @Test
    void tenRunsSucceedAndTheTargetNeverSeesMoreThanTwoPerSecond() {
        stub.reply("/limited", n -> Reply.json(200, "{\"ok\":true}"));
        braid.saveConnection(Map.of("name", "metered", "connector", "http",
                "settings", Map.of("baseUrl", stub.url("")), "rateLimit", Map.of("requests", 2, "per", "1s")));
        braid.saveRecipe("""
                slug: metered
                name: metered
                trigger:
                  webhook: {}
                steps:
                  - id: call
                    action: http.request
                    connection: metered
                    with: { method: POST, url: "/limited" }
                """);
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            runs.add(braid.webhook("metered", "{\"n\":" + i + "}"));
        }
        await().atMost(Duration.ofSeconds(40)).until(() -> sql.runCount("metered", "succeeded") == 10);
        List<Instant> at = stub.received("/limited").stream().map(StubServer.Received::at).sorted().toList();
        log.info("Rate limit 2/1s: {} calls at {}; spread {}", at.size(), at, Duration.between(at.getFirst(), at.getLast()));
        assertThat(at).hasSize(10);
        // The limiter's periods are fixed windows: a sliding 1 s window may straddle two of them, so the hard
        // guarantee is at most 2 per period, i.e. never 5 calls within one second.
        for (int i = 4; i < at.size(); i++) {
            assertThat(Duration.between(at.get(i - 4), at.get(i))).isGreaterThanOrEqualTo(Duration.ofSeconds(1).minus(TOLERANCE));
        }
        assertThat(Duration.between(at.getFirst(), at.getLast())).isGreaterThan(Duration.ofSeconds(3)); // 10 calls at 2 per period need 5 periods
    }
}
