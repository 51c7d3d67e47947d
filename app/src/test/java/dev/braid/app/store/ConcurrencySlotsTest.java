package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Which slot group a new run falls in: the key expression over {@code {trigger: …}}. */
class ConcurrencySlotsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ConcurrencySlots slots = new ConcurrencySlots(Expressions.withDefaults(), null);

    @Test
    void aRecipeWithoutConcurrencyIsUnlimited() {
        assertThat(slots.of(recipe(null), trigger("{\"customer\":\"acme\"}"))).isEmpty();
    }

    @Test
    void withoutAKeyTheWholeRecipeIsOneGroup() {
        assertThat(slots.of(recipe(new Recipe.Concurrency(10, null)), trigger("{\"customer\":\"acme\"}")))
                .contains(new ConcurrencySlots.Slot("orders", 10));
    }

    @Test
    void aStringKeyIsUsedAsItIsAndOtherValuesAsJsonText() {
        Recipe recipe = recipe(new Recipe.Concurrency(2, "trigger.body.customer"));
        assertThat(key(recipe, "{\"customer\":\"acme\"}")).contains("orders/acme");
        assertThat(key(recipe, "{\"customer\":42}")).contains("orders/42");
        assertThat(key(recipe, "{\"customer\":{\"id\":7}}")).contains("orders/{\"id\":7}");
        assertThat(slots.of(recipe, trigger("{\"customer\":\"acme\"}")).orElseThrow().limit()).isEqualTo(2);
    }

    @Test
    void anAbsentNullOrFailingKeyPutsTheRunInTheNullGroupStillLimited() {
        assertThat(key(recipe(new Recipe.Concurrency(2, "trigger.body.customer")), "{\"other\":1}")).contains("orders/null");
        assertThat(key(recipe(new Recipe.Concurrency(2, "trigger.body.customer")), "{\"customer\":null}")).contains("orders/null");
        // $number("x") fails at evaluation time: the run is not refused, it shares the null group.
        assertThat(key(recipe(new Recipe.Concurrency(2, "$number(trigger.body.customer)")), "{\"customer\":\"x\"}"))
                .contains("orders/null");
    }

    @Test
    void aLongKeyIsHashed() {
        String customer = "c".repeat(500);
        String key = key(recipe(new Recipe.Concurrency(2, "trigger.body.customer")), "{\"customer\":\"" + customer + "\"}").orElseThrow();
        assertThat(key).startsWith("orders/sha256:").hasSize("orders/sha256:".length() + 64);
        assertThat(key(recipe(new Recipe.Concurrency(2, "trigger.body.customer")), "{\"customer\":\"" + customer + "\"}"))
                .contains(key);
    }

    private Optional<String> key(Recipe recipe, String body) {
        return slots.of(recipe, trigger(body)).map(ConcurrencySlots.Slot::key);
    }

    private static JsonNode trigger(String body) {
        return JSON.readTree("{\"type\":\"webhook\",\"body\":" + body + "}");
    }

    private static Recipe recipe(Recipe.Concurrency concurrency) {
        return new Recipe("orders", "Orders", null, true, null, List.of(), null, null, concurrency, null, null);
    }
}
