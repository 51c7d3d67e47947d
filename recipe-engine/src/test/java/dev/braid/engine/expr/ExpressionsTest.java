package dev.braid.engine.expr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ExpressionsTest {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private final Expressions expressions = Expressions.withDefaults();
    private final JsonNode context = json("""
            {'trigger': {'body': {'id': 7, 'amount': 1500.5, 'name': 'Ada', 'tags': ['a', 'b'], 'none': null,
                                  'items': [{'sku': 'x', 'qty': 2}, {'sku': 'y', 'qty': 3}]}},
             'steps': {'customer': {'output': {'body': {'tier': 'gold'}}}},
             'secrets': {'TOKEN': 's3cret'}}
            """);

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private JsonNode render(String templateJson) {
        return expressions.render(json(templateJson), context);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'{{ trigger.body.id }}'                     | 7",
            "'{{ trigger.body.amount }}'                 | 1500.5",
            "'{{ trigger.body.id > 5 }}'                 | true",
            "'{{ trigger.body.tags }}'                   | ['a', 'b']",
            "'{{ trigger.body.items[0] }}'               | {'sku': 'x', 'qty': 2}",
            "'{{ trigger.body.name }}'                   | 'Ada'",
            "'{{ $sum(trigger.body.items.qty) }}'        | 5",
            "'{{ trigger.body.none }}'                   | null",
            "'{{   trigger.body.id   }}'                 | 7",
    })
    void aWholeValueTemplateKeepsTheJsonType(String template, String expected) {
        assertThat(render(template)).isEqualTo(json(expected));
    }

    @Test
    void evaluatedIntegersEqualParsedOnes() {
        assertThat(expressions.evaluate("trigger.body.id + 1", context)).isEqualTo(json("8"));
        assertThat(expressions.evaluate("3000000000 + 1", context)).isEqualTo(json("3000000001"));
        assertThat(expressions.evaluate("1 / 4", context)).isEqualTo(json("0.25"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'Order {{ trigger.body.id }} for {{ trigger.body.name }}'  | 'Order 7 for Ada'",
            "'{{ trigger.body.id }}{{ trigger.body.id }}'                | '77'",
            "'Bearer {{ secrets.TOKEN }}'                                | 'Bearer s3cret'",
            "'no braces here'                                            | 'no braces here'",
            "'x={{ trigger.body.missing }}.'                             | 'x=.'",
            "'x={{ trigger.body.none }}.'                                | 'x=.'",
    })
    void interpolationInsideText(String template, String expected) {
        assertThat(render(template)).isEqualTo(json(expected));
    }

    @Test
    void interpolatedValuesThatAreNotStringsAreWrittenAsJson() {
        assertThat(render("'tags: {{ trigger.body.tags }}, first: {{ trigger.body.items[0] }}, n: {{ trigger.body.amount }}'"))
                .isEqualTo(StringNode.valueOf("tags: [\"a\",\"b\"], first: {\"sku\":\"x\",\"qty\":2}, n: 1500.5"));
    }

    @Test
    void anObjectConstructorWithNestedBracesInsideTheTemplate() {
        assertThat(render("\"{{ {'order': {'id': trigger.body.id, 'tier': steps.customer.output.body.tier}} }}\""))
                .isEqualTo(json("{'order': {'id': 7, 'tier': 'gold'}}"));
        assertThat(render("\"{{ {'a':{'b':1}}}}\"")).isEqualTo(json("{'a': {'b': 1}}"));
        assertThat(render("\"{{ '}}' & trigger.body.name }}\"")).isEqualTo(json("'}}Ada'"));
        assertThat(render("\"{{ $merge([trigger.body.items[0], {'qty': 9}]) }}\"")).isEqualTo(json("{'sku': 'x', 'qty': 9}"));
    }

    @Test
    void templatesInsideObjectsAndArraysAreRenderedAndTheRestCopied() {
        assertThat(render("{'url': '/c/{{ trigger.body.id }}', 'n': 3, 'list': ['{{ trigger.body.name }}', true, null], 'o': {'k': '{{ trigger.body.tags[1] }}'}}"))
                .isEqualTo(json("{'url': '/c/7', 'n': 3, 'list': ['Ada', true, null], 'o': {'k': 'b'}}"));
    }

    @Test
    void undefinedIsNullAsAWholeValueAndEmptyInText() {
        assertThat(render("'{{ trigger.body.nothing }}'")).isEqualTo(json("null"));
        assertThat(render("'[{{ trigger.body.nothing }}]'")).isEqualTo(json("'[]'"));
        assertThat(expressions.evaluate("trigger.body.nothing", context).isMissingNode()).isTrue();
    }

    @Test
    void nullsInsideResultsAreKept() {
        assertThat(expressions.evaluate("{'a': trigger.body.none, 'b': trigger.body.nothing, 'c': 1}", context))
                .isEqualTo(json("{'a': null, 'c': 1}"));
        assertThat(expressions.evaluate("[1, null, 2]", context)).isEqualTo(json("[1, null, 2]"));
    }

    @Test
    void numbersFromTheContextCompareLikeJsonataNumbers() {
        // JSONata's `in` and $distinct compare with equals(): the context's numbers must have its own types.
        assertThat(expressions.test("trigger.body.id in [5, 7]", context)).isTrue();
        assertThat(expressions.evaluate("$distinct([trigger.body.id, 7])", context)).isEqualTo(json("7"));
        assertThat(expressions.test("trigger.body.items[0].qty in [2]", json("{'trigger': {'body': {'items': [{'qty': 2.0}]}}}"))).isTrue();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "trigger.body.amount > 1000 | true",
            "trigger.body.amount > 5000 | false",
            "trigger.body.missing       | false",
            "trigger.body.none          | false",
            "trigger.body.tags          | true",
            "''                         | false",
            "'x'                        | true",
            "0                          | false",
    })
    void testUsesJsonataTruthiness(String expression, boolean expected) {
        assertThat(expressions.test(expression, context)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"($f := function($x){$f($x)}; $f(1))", "$count([1..10000000].($ * 2))", "($f := function($x){$f($x) + 1}; $f(1))"})
    void aRunawayExpressionIsStoppedQuickly(String expression) {
        Expressions limited = new Expressions(Duration.ofMillis(200), 100);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> limited.evaluate(expression, context))
                        .isInstanceOf(ExpressionException.class)
                        .hasMessageMatching("(?s).*(time limit|depth limit|size limit).*"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"trigger.body.(", "1 +", "$$$(", "   "})
    void brokenExpressionsAreReportedAsExpressionExceptions(String expression) {
        assertThatThrownBy(() -> expressions.evaluate(expression, context)).isInstanceOf(ExpressionException.class);
        assertThatThrownBy(() -> expressions.check(expression)).isInstanceOf(ExpressionException.class);
    }

    @Test
    void brokenTemplatesAreReported() {
        assertThatThrownBy(() -> render("'{{ trigger.body.id '")).isInstanceOf(ExpressionException.class).hasMessageContaining("no matching");
        assertThatThrownBy(() -> render("'a {{ }} b'")).isInstanceOf(ExpressionException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> expressions.checkTemplate(json("{'a': ['{{ 1 + }}']}"))).isInstanceOf(ExpressionException.class);
    }

    @Test
    void aFunctionIsNotAValue() {
        assertThatThrownBy(() -> expressions.evaluate("function($x){$x}", context))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("function");
    }

    @Test
    void concurrentEvaluationGivesEveryThreadItsOwnAnswer() throws Exception {
        // One expression text shared by all threads, so they compete for the same cached compilation.
        String template = "{{ {'id': trigger.body.id, 'double': trigger.body.id * 2, 'tags': $count(trigger.body.tags)} }}";
        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        int id = thread * 1000 + i;
                        JsonNode ctx = json("{'trigger': {'body': {'id': " + id + ", 'tags': " + "[1,2,3,4,5,6,7,8]".substring(0, 2 * (thread % 4) + 2) + "]}}}");
                        JsonNode out = expressions.render(StringNode.valueOf(template), ctx);
                        JsonNode expected = json("{'id': " + id + ", 'double': " + (2 * id) + ", 'tags': " + (thread % 4 + 1) + "}");
                        if (!out.equals(expected)) {
                            wrong.add(out + " != " + expected);
                        }
                        if (expressions.test("trigger.body.id = " + id, ctx) != true) {
                            wrong.add("test failed for " + id);
                        }
                    }
                    return wrong;
                }));
            }
        }
        for (Future<List<String>> r : results) {
            assertThat(r.get()).isEmpty();
        }
    }
}
