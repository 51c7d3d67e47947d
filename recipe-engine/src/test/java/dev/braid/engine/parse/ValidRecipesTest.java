package dev.braid.engine.parse;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.RetrySpec;
import dev.braid.engine.model.Step;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Fixtures under {@code recipes/valid/} parse, and their typed reading is what the text says. */
class ValidRecipesTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private Recipe parse(String fixture) {
        return parser.parse(Fixtures.text("valid/" + fixture), Fixtures.format(fixture));
    }

    @ParameterizedTest
    @ValueSource(strings = {"full-webhook.yaml", "manual.yaml", "schedule.yaml", "json-recipe.json", "kafka-batch.yaml",
            "cdc.yaml", "poll.yaml"})
    void everyValidFixtureParses(String fixture) {
        assertThatCode(() -> parse(fixture)).doesNotThrowAnyException();
    }

    @Test
    void fullWebhookRecipeReadsEverySetting() {
        Recipe recipe = parse("full-webhook.yaml");

        assertThat(recipe.slug()).isEqualTo("order-intake");
        assertThat(recipe.name()).isEqualTo("Order intake");
        assertThat(recipe.description()).isEqualTo("Takes orders from the shop, checks them and books them.");
        assertThat(recipe.enabled()).isTrue();
        assertThat(recipe.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(recipe.concurrency()).isEqualTo(new Recipe.Concurrency(10, "trigger.body.customerId"));
        assertThat(recipe.retry()).isEqualTo(new RetrySpec(5, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5)));
        assertThat(recipe.onError()).isEqualTo(new Recipe.OnError(false, "ops-alerts"));

        Trigger trigger = recipe.trigger();
        assertThat(trigger.type()).isEqualTo(Trigger.Type.WEBHOOK);
        assertThat(((TriggerSettings.Webhook) trigger.settings()).dedupeWindow()).isEqualTo(Duration.ofHours(12));
        assertThat(trigger.settings()).isEqualTo(new TriggerSettings.Webhook("{{ secrets.SHOP_WEBHOOK_SECRET }}",
                "trigger.headers.'x-event-id'", Duration.ofHours(12), true, Duration.ofSeconds(10),
                new TriggerSettings.RateLimit(100, Duration.ofSeconds(1))));

        assertThat(recipe.definition().path("steps").size()).isEqualTo(5);
        assertThat(recipe.steps()).extracting(Step::id).containsExactly("customer", "big", "lines", "invalid", "done");
    }

    @Test
    void fullWebhookRecipeBuildsEveryStepKind() {
        Recipe recipe = parse("full-webhook.yaml");

        Step.ActionStep customer = (Step.ActionStep) recipe.steps().get(0);
        assertThat(customer.action()).isEqualTo("http.request");
        assertThat(customer.connection()).isEqualTo("crm");
        assertThat(customer.with().path("url").asString()).isEqualTo("https://crm.example/customers/{{ trigger.body.customerId }}");
        assertThat(customer.with().path("headers").path("Accept").asString()).isEqualTo("application/json");
        assertThat(customer.retry()).isEqualTo(new RetrySpec(3, Duration.ofMillis(500), null, null));
        assertThat(customer.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(customer.continueOnError()).isTrue();

        Step.IfStep big = (Step.IfStep) recipe.steps().get(1);
        assertThat(big.condition()).isEqualTo("trigger.body.amount > 1000");
        assertThat(big.then()).extracting(Step::id).containsExactly("alert");
        assertThat(big.otherwise()).extracting(Step::id).containsExactly("small");
        assertThat(((Step.ActionStep) big.then().getFirst()).continueOnError()).isFalse();

        Step.ForeachStep lines = (Step.ForeachStep) recipe.steps().get(2);
        assertThat(lines.items()).isEqualTo("trigger.body.items");
        assertThat(lines.as()).isEqualTo("batch");
        assertThat(lines.chunk()).isEqualTo(10);
        assertThat(lines.parallel()).isEqualTo(4);
        Step.IfStep bulky = (Step.IfStep) lines.steps().getFirst();
        assertThat(bulky.condition()).isEqualTo("$count(batch) > 5");
        Step.ActionStep price = (Step.ActionStep) bulky.then().getFirst();
        assertThat(price.with().path("value").path("skus").size()).isEqualTo(2);
        assertThat(bulky.otherwise()).isEmpty();

        Step.FailStep reject = (Step.FailStep) ((Step.IfStep) recipe.steps().get(3)).then().getFirst();
        assertThat(reject.message()).isEqualTo("Order without an id from {{ trigger.headers.'x-shop' }}");

        Step.StopStep done = (Step.StopStep) recipe.steps().get(4);
        assertThat(done.output().asString())
                .isEqualTo("{{ {'order': trigger.body.id, 'customer': steps.customer.output.body} }}");
    }

    @Test
    void manualRecipeUsesTheShortFormsAndDefaults() {
        Recipe recipe = parse("manual.yaml");

        assertThat(recipe.trigger().type()).isEqualTo(Trigger.Type.MANUAL);
        assertThat(recipe.trigger().settings()).isNotInstanceOf(TriggerSettings.Webhook.class);
        assertThat(recipe.trigger().settings()).isEqualTo(new TriggerSettings.Manual());
        assertThat(recipe.enabled()).isTrue();
        assertThat(recipe.retry()).isEqualTo(RetrySpec.NONE);
        assertThat(recipe.timeout()).isNull();
        assertThat(recipe.concurrency()).isNull();
        assertThat(recipe.onError()).isEqualTo(Recipe.OnError.DEFAULT);

        Step.IfStep check = (Step.IfStep) recipe.steps().get(1);
        assertThat(((Step.FailStep) check.then().getFirst()).message()).isEqualTo("Asked to fail: {{ trigger.body.reason }}");
        assertThat(((Step.FailStep) check.otherwise().getFirst()).message()).isEqualTo("The recipe failed at step quiet");
        assertThat(((Step.StopStep) recipe.steps().get(2)).output()).isNull();
        Step.ActionStep hello = (Step.ActionStep) recipe.steps().getFirst();
        assertThat(hello.retry()).isEqualTo(RetrySpec.NONE);
        assertThat(hello.timeout()).isNull();
    }

    @Test
    void scheduleRecipeKeepsItsSettings() {
        Recipe recipe = parse("schedule.yaml");

        assertThat(recipe.enabled()).isFalse();
        assertThat(recipe.timeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(recipe.trigger().type()).isEqualTo(Trigger.Type.SCHEDULE);
        TriggerSettings.Schedule schedule = (TriggerSettings.Schedule) recipe.trigger().settings();
        assertThat(schedule.cron()).isEqualTo("0 0 2 * * *");
        assertThat(schedule.timezone().getId()).isEqualTo("Europe/London");
        assertThat(recipe.trigger().settings()).isNotInstanceOf(TriggerSettings.Webhook.class);
    }

    @Test
    void jsonRecipeWithTabsAndEscapedSlashesReadsLikeJson() {
        String text = Fixtures.text("valid/json-recipe.json");
        Recipe recipe = parse("json-recipe.json");

        assertThat(recipe.definition()).isEqualTo(JsonMapper.builder().build().readTree(text));
        assertThat(recipe.retry()).isEqualTo(new RetrySpec(4, null, 1.5, null));
        Step.ActionStep log = (Step.ActionStep) recipe.steps().get(1);
        assertThat(log.with().path("message").asString()).isEqualTo("a/b é {{ steps.echo.output.value.id }}");
        assertThat(recipe.trigger().settings()).isEqualTo(new TriggerSettings.Webhook(null, null,
                TriggerSettings.Webhook.DEFAULT_DEDUPE_WINDOW, false, TriggerSettings.Webhook.DEFAULT_RESPOND_TIMEOUT, null));
    }

    @Test
    void kafkaCdcAndPollTriggersKeepTheirSettings() {
        assertThat(((TriggerSettings.Kafka) parse("kafka-batch.yaml").trigger().settings()).batch().maxSize()).isEqualTo(500);
        assertThat(((TriggerSettings.Cdc) parse("cdc.yaml").trigger().settings()).tables()).hasSize(2);
        Trigger poll = parse("poll.yaml").trigger();
        assertThat(poll.type()).isEqualTo(Trigger.Type.POLL);
        assertThat(((TriggerSettings.Poll) poll.settings()).initialCursor().asInt()).isZero();
    }
}
