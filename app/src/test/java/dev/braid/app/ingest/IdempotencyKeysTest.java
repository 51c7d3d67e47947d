package dev.braid.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** ARCHITECTURE §3's order of idempotency keys, and which expression results are no key at all. */
class IdempotencyKeysTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final IdempotencyKeys keys = new IdempotencyKeys(Expressions.withDefaults());

    @Test
    void theExpressionComesFirstThenTheSuppliedKeyThenTheNaturalKey() {
        TriggerEvent event = webhook("{\"orderId\": 7, \"email\": \"a@example.com\"}", "sender-key");
        assertThat(keys.of("trigger.body.orderId", "webhook", event).value()).isEqualTo("key:7");
        assertThat(keys.of("trigger.body.email", "webhook", event).value()).isEqualTo("key:a@example.com");
        assertThat(keys.of("trigger.body.orderId > 5", "webhook", event).value()).isEqualTo("key:true");
        assertThat(keys.of(null, "webhook", event).value()).isEqualTo("header:sender-key");
        assertThat(keys.of(null, "webhook", webhook("{}", "  ")).value()).as("a blank header is none").isEqualTo("body:hash");
        assertThat(keys.of(null, "webhook", webhook("{}", null)).value()).isEqualTo("body:hash");
    }

    @Test
    void aKeyMaySeeThePerEventRunsEventsAsStepsDo() {
        // trigger.events is in every run's context (a one-element array for a per-event run), so a recipe
        // written over trigger.events keys its events the same way per event or batched.
        TriggerEvent event = webhook("{\"orderId\": 7}", null);
        assertThat(keys.of("trigger.events[0].body.orderId", "webhook", event).value()).isEqualTo("key:7");
        assertThat(keys.of("$count(trigger.events)", "webhook", event).value()).isEqualTo("key:1");
    }

    @Test
    void aLongKeyIsStoredAsItsHashSoTheUniqueIndexTakesIt() {
        // PostgreSQL refuses btree entries over ~2.7 KB: a 10,000-character key would fail the insert.
        String longId = "x".repeat(10_000);
        TriggerEvent event = webhook("{\"id\": \"" + longId + "\"}", "h".repeat(5_000));
        String fromExpression = keys.of("trigger.body.id", "webhook", event).value();
        assertThat(fromExpression).isEqualTo("key:sha256:" + dev.braid.app.store.Sha256.hex(longId));
        assertThat(keys.of(null, "webhook", event).value()).startsWith("header:sha256:").hasSize("header:sha256:".length() + 64);
        assertThat(keys.of("trigger.body.id", "webhook", webhook("{\"id\": \"" + longId + "y\"}", null)).value())
                .as("another value, another key").isNotEqualTo(fromExpression);
    }

    @Test
    void anExpressionYieldingNothingGivesNoKeyAndTheNextRuleApplies() {
        assertThat(keys.of("trigger.body.missing", "webhook", webhook("{}", "h")).value()).isEqualTo("header:h");
        assertThat(keys.of("trigger.body.none", "webhook", webhook("{\"none\": null}", null)).value()).isEqualTo("body:hash");
    }

    @Test
    void anExpressionThatThrowsOrYieldsAnObjectOrArrayIsUnusableAndNamesTheSetting() {
        TriggerEvent event = TriggerEvent.of(kafka("{\"n\": 1, \"customer\": {\"id\": 3}, \"tags\": [1, 2]}"), "t/0/5");
        for (String expression : new String[] {"trigger.body.n + 'x'", "trigger.body.customer", "trigger.body.tags"}) {
            IdempotencyKeys.Key key = keys.of(expression, "kafka", event);
            assertThat(key.value()).as(expression).isNull();
            assertThat(key.field()).isEqualTo("trigger.kafka.idempotencyKey");
            assertThat(key.unusable()).contains("trigger.kafka.idempotencyKey").contains("kafka event");
        }
        assertThat(keys.of("trigger.body.customer", "kafka", event).unusable()).contains("an object");
        assertThat(keys.of("trigger.body.tags", "kafka", event).unusable()).contains("an array");
        assertThat(keys.of(null, "kafka", event).value()).isEqualTo("t/0/5");
    }

    private static TriggerEvent webhook(String body, String header) {
        ObjectNode trigger = JsonNodeFactory.instance.objectNode().put("type", "webhook");
        trigger.set("body", JSON.readTree(body));
        return new TriggerEvent(trigger, "body:hash", header);
    }

    private static ObjectNode kafka(String body) {
        ObjectNode trigger = JsonNodeFactory.instance.objectNode().put("type", "kafka");
        trigger.set("body", JSON.readTree(body));
        return trigger;
    }
}
