package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one wording of key values shared by idempotency, concurrency and ordering keys. */
class KeyExpressionTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Expressions expressions = Expressions.withDefaults();

    @Test
    void stringsAsTheyAreOtherValuesAsJsonTextLongOnesHashed() {
        JsonNode trigger = JSON.readTree("""
                {"type": "webhook", "body": {"s": "abc", "n": 42, "o": {"a": 1}, "long": "%s", "none": null}}"""
                .formatted("z".repeat(201)));
        assertThat(value("trigger.body.s", trigger).text()).isEqualTo("abc");
        assertThat(value("trigger.body.n", trigger).text()).isEqualTo("42");
        assertThat(value("trigger.body.o", trigger).text()).isEqualTo("{\"a\":1}");
        assertThat(value("trigger.body.o", trigger).structured()).isTrue();
        assertThat(value("trigger.body.s", trigger).structured()).isFalse();
        assertThat(value("trigger.body.long", trigger).text()).isEqualTo("sha256:" + Sha256.hex("z".repeat(201)));
        assertThat(KeyExpression.bounded("z".repeat(200))).as("the bound itself is kept").hasSize(200);
        assertThat(KeyExpression.evaluate(expressions, "trigger.body.none", trigger)).isInstanceOf(KeyExpression.Absent.class);
        assertThat(KeyExpression.evaluate(expressions, "trigger.body.missing", trigger)).isInstanceOf(KeyExpression.Absent.class);
        assertThat(KeyExpression.evaluate(expressions, "trigger.events[0].body.n", trigger))
                .as("a key sees trigger.events as steps do").isEqualTo(new KeyExpression.Value(JSON.readTree("42")));
        KeyExpression.Result failed = KeyExpression.evaluate(expressions, "trigger.body.s + 1", trigger);
        assertThat(failed).isInstanceOfSatisfying(KeyExpression.Failed.class, f -> assertThat(f.message()).isNotBlank());
    }

    private KeyExpression.Value value(String expression, JsonNode trigger) {
        return (KeyExpression.Value) KeyExpression.evaluate(expressions, expression, trigger);
    }
}
