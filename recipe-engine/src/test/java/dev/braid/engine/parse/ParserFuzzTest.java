package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Generated hostile input for the recipe parser (issue 7): random text, random mutations of valid
 * recipes, invalid UTF-8, deep nesting, alias bombs and huge scalars. Every input must end, quickly,
 * in a recipe or a {@link RecipeValidationException} (a 400 with its problems) — never another
 * exception, which the API would answer 500. jqwik generates the random text; the mutations use a fixed
 * seed so a failure reproduces.
 */
class ParserFuzzTest {

    /**
     * A hang guard per input, not a speed target: an alias bomb or a quadratic path would take hours, while
     * the largest input here (20,000 steps) parses in about a second — and took 5.8 s on CI's busy 2 cores,
     * which is why the guard is this loose.
     */
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final long SEED = 20261129L;

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    @Test
    void randomTextIsAcceptedOrRefusedNeverCrashes() {
        // Any code point, surrogates and control characters included; jqwik seeds the samples itself,
        // and a failure names the input, so it can be turned into a fixed case.
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(400);
        assertThat(check(text.sampleStream().limit(400).toList())).isEqualTo(400);
    }

    @Test
    void mutatedValidRecipesAreAcceptedOrRefusedNeverCrash() {
        List<String> valid = List.of(Fixtures.text("valid/full-webhook.yaml"), Fixtures.text("valid/kafka-batch.yaml"),
                Fixtures.text("valid/json-recipe.json"), Fixtures.text("valid/cdc.yaml"));
        Random random = new Random(SEED);
        List<String> noise = List.of("{", "}", "[", "]", ":", "- ", "\n", "\t", "&a ", "*a", "!!", "{{", "}}",
                "\"", "'", "#", "|", ">", "\u0000", "\uFFFF", "𝄞", "null", "~", "0x", "1e999", "  ", "<<: *a");
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            StringBuilder s = new StringBuilder(valid.get(i % valid.size()));
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && !s.isEmpty(); e++) {
                int at = random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(at, noise.get(random.nextInt(noise.size())));
                    case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
                    default -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
                }
            }
            inputs.add(s.toString());
        }
        assertThat(check(inputs)).isEqualTo(1200);
    }

    @Test
    void hostileShapesAreRefusedQuickly() {
        List<String> hostile = new ArrayList<>();
        hostile.add("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
                + "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                + "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n");
        hostile.add("a: &a [*a]\n");
        hostile.add("[".repeat(100_000));
        hostile.add("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000));
        hostile.add("slug: " + "x".repeat(5_000_000));
        hostile.add("steps:\n" + "  - id: a\n    action: core.log\n".repeat(20_000));
        hostile.add("!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1/\"]]]]");
        hostile.add("slug: a\nname: b\ntrigger: { webhook: {} }\nsteps:\n  - id: x\n    action: core.transform\n"
                + "    with: { value: \"{{ " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " }}\" }\n");
        byte[] invalidUtf8 = {'s', 'l', 'u', 'g', ':', ' ', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, '\n'};
        hostile.add(new String(invalidUtf8, StandardCharsets.UTF_8));
        hostile.add("\uFEFF\uFEFF---\n...\n---\n");
        assertThat(check(hostile)).isEqualTo(hostile.size());
    }

    /** Parses every input in both formats; answers how many were checked. */
    private int check(List<String> inputs) {
        int checked = 0;
        for (String input : inputs) {
            for (SourceFormat format : SourceFormat.values()) {
                assertTimeoutPreemptively(BOUND, () -> {
                    try {
                        Recipe recipe = parser.parse(input, format);
                        assertThat(recipe.slug()).isNotBlank();
                    } catch (RecipeValidationException refused) {
                        assertThat(refused.getMessage()).isNotBlank();
                    }
                }, () -> "parsing took longer than " + BOUND + ": " + preview(input));
            }
            checked++;
        }
        return checked;
    }

    private static String preview(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "… (" + s.length() + " chars)" : s;
    }
}
