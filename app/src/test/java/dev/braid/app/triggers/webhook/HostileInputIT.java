package dev.braid.app.triggers.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import net.jqwik.api.Arbitraries;

/**
 * Generated hostile requests against the webhook ingress and the recipe API (issue 7): random bytes
 * and invalid UTF-8, deep nesting, huge strings, wrong media types, alias bombs and broken YAML. Each
 * is answered within a bound, never with a 5xx; a refused request writes nothing (the counts of
 * recipes, events and runs are unchanged); the server is healthy afterwards.
 */
class HostileInputIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(HostileInputIT.class);
    /** A hang guard per request, not a speed target. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void hostileWebhooksAreRefusedCleanlyAndWriteNothing() {
        braid.saveRecipe("""
                slug: fuzz-hook
                name: Fuzz target
                trigger:
                  webhook: {}
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """);
        Random random = new Random(20261129L);
        List<byte[]> bodies = new ArrayList<>();
        Arbitraries.strings().all().ofMaxLength(300).sampleStream().limit(150)
                .forEach(s -> bodies.add(s.getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 150; i++) {
            byte[] bytes = new byte[1 + random.nextInt(2000)];
            random.nextBytes(bytes);
            bodies.add(bytes);
        }
        bodies.add("[".repeat(200_000).getBytes(StandardCharsets.UTF_8));
        bodies.add(("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
        bodies.add(("{\"s\": \"" + "x".repeat(3_000_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bodies.add(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'});

        List<String> types = List.of("application/json", "text/plain", "application/x-www-form-urlencoded",
                "application/json; charset=utf-16", "image/png", "multipart/form-data; boundary=x");
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < bodies.size(); i++) {
            String type = types.get(i % types.size());
            long events = sql.count("select count(*) from trigger_events"), runs = sql.count("select count(*) from runs");
            Instant start = Instant.now();
            ApiClient.Response answer = anonymous.post("/hooks/fuzz-hook", Map.of("Content-Type", type), bodies.get(i));
            assertThat(Duration.between(start, Instant.now())).as("request %d answered in time", i).isLessThan(BOUND);
            assertThat(answer.status()).as("request %d (%s): %s", i, type, answer.body()).isLessThan(500);
            if (answer.status() >= 400) {
                refused++;
                assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                assertThat(sql.count("select count(*) from trigger_events"))
                        .as("a refused webhook stores no event").isEqualTo(events);
                assertThat(sql.count("select count(*) from runs")).as("a refused webhook starts no run").isEqualTo(runs);
            } else {
                accepted++;
            }
        }
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        log.info("Hostile webhooks: {} requests, {} accepted (valid text or form bodies), {} refused with 4xx, none 5xx",
                bodies.size(), accepted, refused);
        assertThat(refused).isPositive();
    }

    @Test
    void hostileRecipesAreRefusedCleanlyAndWriteNothing() {
        List<String> sources = new ArrayList<>();
        Arbitraries.strings().all().ofMaxLength(500).sampleStream().limit(100).forEach(sources::add);
        String valid = """
                slug: fuzz-recipe
                name: Fuzz recipe
                trigger:
                  webhook: {}
                steps:
                  - id: a
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """;
        Random random = new Random(20261129L);
        for (int i = 0; i < 150; i++) {
            StringBuilder s = new StringBuilder(valid);
            int at = random.nextInt(s.length());
            s.replace(at, Math.min(s.length(), at + 1 + random.nextInt(5)),
                    List.of("{", "]", ": &x", "*x", "\t", "{{", "\u0000", "- ", "!!str", "\n  ").get(random.nextInt(10)));
            sources.add(s.toString());
        }
        sources.add("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\n"
                + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d]\n");
        sources.add("slug: x\n" + "  - a\n".repeat(50_000));
        sources.add("[".repeat(100_000));

        int refused = 0;
        for (String source : sources) {
            long recipes = sql.count("select count(*) from recipes"), versions = sql.count("select count(*) from recipe_versions");
            Instant start = Instant.now();
            ApiClient.Response answer = api.postYaml("/api/v1/recipes", source);
            assertThat(Duration.between(start, Instant.now())).isLessThan(BOUND);
            assertThat(answer.status()).as("%s → %s", source.length() > 100 ? source.substring(0, 100) : source, answer.body())
                    .isLessThan(500);
            if (answer.status() >= 400) {
                refused++;
                assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                assertThat(sql.count("select count(*) from recipes")).isEqualTo(recipes);
                assertThat(sql.count("select count(*) from recipe_versions")).isEqualTo(versions);
            } else {
                // A mutation that is still a valid recipe: remove it so the next one starts from the same state.
                api.delete("/api/v1/recipes/" + answer.json().path("slug").asString());
            }
        }
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        log.info("Hostile recipes: {} sources, {} refused with 4xx, none 5xx", sources.size(), refused);
        assertThat(refused).isGreaterThan(sources.size() / 2);
    }
}
