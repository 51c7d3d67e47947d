package dev.braid.engine.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generated expressions for the evaluator (issue 7): random printable text (jqwik), a fixed-seed token
 * soup from JSONata's grammar, and expressions built to loop or explode (unbounded recursion, huge ranges, string doubling). Each must
 * end within its time limit in a value or an {@link ExpressionException} — never hang, never throw
 * anything else, never exhaust the heap.
 */
class ExpressionFuzzTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final long SEED = 20261129L;
    private static final JsonNode CONTEXT = JsonMapper.shared().readTree("""
            {"trigger": {"body": {"n": 3, "items": [1, 2, 3], "name": "ada", "nested": {"a": {"b": [true, null]}}}},
             "steps": {"first": {"output": {"value": 42}}}}""");

    private final Expressions expressions = Expressions.withDefaults();

    @Test
    void tokenSoupEvaluatesOrFailsCleanly() {
        List<String> tokens = List.of("trigger", ".", "body", "items", "[", "]", "(", ")", "{", "}", ",", ":",
                "$", "$map", "$reduce", "$string", "$sum", "$count", "$join", "function($x)", "{ $x }", "+", "-", "*", "/", "%",
                "&", "=", "!=", "<", ">", "and", "or", "in", "?", "..", ";", ":=", "$f", "1", "0", "-1", "1e308", "\"s\"",
                "'q'", "true", "null", "**", "@", "#", "~>", "^(", "|", "`a`", " ");
        Random random = new Random(SEED);
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int t = 0; t < length; t++) {
                s.append(tokens.get(random.nextInt(tokens.size())));
            }
            inputs.add(s.toString());
        }
        assertThat(check(inputs)).isEqualTo(2000);
    }

    @Test
    void randomTextEvaluatesOrFailsCleanly() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60);
        assertThat(check(text.sampleStream().limit(1000).toList())).isEqualTo(1000);
    }

    @Test
    void expressionsThatLoopOrExplodeAreStopped() {
        List<String> hostile = List.of(
                "($f := function($x) { $f($x) }; $f(1))",
                "($f := function($x) { $f($x + 1) + 1 }; $f(1))",
                "[1..10000000].($ * 2)",
                "$count([1..100000000])",
                "($s := function($x, $n) { $n = 0 ? $x : $s($x & $x, $n - 1) }; $s('ab', 64))",
                "$reduce([1..10000000], function($a, $b) { $a + $b })",
                "(" .repeat(3000) + "1" + ")".repeat(3000),
                "$string([1..1000000])",
                "trigger.body.items.$map($, function($v) { [1..1000000] })");
        assertThat(check(hostile)).isEqualTo(hostile.size());
    }

    private int check(List<String> inputs) {
        int checked = 0;
        for (String input : inputs) {
            assertTimeoutPreemptively(BOUND, () -> {
                try {
                    expressions.evaluate(input, CONTEXT);
                } catch (ExpressionException refused) {
                    assertThat(refused.getMessage()).isNotBlank();
                }
            }, () -> "evaluating took longer than " + BOUND + ": " + input);
            checked++;
        }
        return checked;
    }
}
