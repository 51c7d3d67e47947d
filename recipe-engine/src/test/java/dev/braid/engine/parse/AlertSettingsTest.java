package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Recipe.Alert.Rule;

/** {@code sla:} and {@code alerts:} (ARCHITECTURE §10): typed once here, mistakes at their field and line. */
class AlertSettingsTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private static String recipe(String extra) {
        return "slug: watched\nname: Watched\ntrigger:\n  webhook: {}\n" + extra
                + "\nsteps:\n  - { id: log, action: core.log, with: { message: hi } }\n";
    }

    @Test
    void slaAndTheThreeRulesAreRead() {
        Recipe recipe = parser.parse(recipe("""
                sla: { maxLatency: 2s, notify: { recipe: ops-alerts }, quiet: 10m }
                alerts:
                  - errorRate: { above: 0.05, window: 30m }
                    notify: { recipe: ops-alerts }
                  - { deadLetters: { above: 10 }, notify: { recipe: ops-alerts } }
                  - { silence: { for: 2h }, notify: { recipe: on-call } }"""), SourceFormat.YAML);
        assertThat(recipe.sla()).isEqualTo(new Recipe.Sla(Duration.ofSeconds(2), "ops-alerts", Duration.ofMinutes(10)));
        assertThat(recipe.alerts()).containsExactly(
                new Recipe.Alert(Rule.ERROR_RATE, 0.05, Duration.ofMinutes(30), "ops-alerts"),
                new Recipe.Alert(Rule.DEAD_LETTERS, 10, null, "ops-alerts"),
                new Recipe.Alert(Rule.SILENCE, 0, Duration.ofHours(2), "on-call"));
        Recipe plain = parser.parse(recipe("sla: { maxLatency: 500ms }"), SourceFormat.YAML);
        assertThat(plain.sla()).isEqualTo(new Recipe.Sla(Duration.ofMillis(500), null, Recipe.Sla.DEFAULT_QUIET));
        assertThat(plain.alerts()).isEmpty();
        assertThat(parser.parse(recipe("alerts:\n  - { errorRate: { above: 0.1 }, notify: { recipe: x } }"), SourceFormat.YAML)
                .alerts().getFirst().window()).as("default window").isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void mistakesNameTheFieldTheLineAndTheFix() {
        assertThat(errors("alerts:\n  - { errorRate: { above: 5, window: 15m }, notify: { recipe: ops } }")).singleElement()
                .satisfies(e -> {
                    assertThat(e.path()).isEqualTo("alerts[0].errorRate.above");
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.message()).contains("0.05 for 5 %");
                });
        assertThat(errors("alerts:\n  - { errorRate: { above: 0.1 }, silence: { for: 1h }, notify: { recipe: ops } }"))
                .singleElement().satisfies(e -> assertThat(e.message()).contains("exactly one rule").contains("errorRate and silence"));
        assertThat(errors("alerts:\n  - { silence: { for: 1h } }")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("Missing required field 'notify'"));
        assertThat(errors("alerts:\n  - { deadLetters: {}, notify: { recipe: ops } }")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("alerts[0].deadLetters"));
        assertThat(errors("alerts:\n  - { silence: { for: 1h }, notify: { recipe: Ops_Alerts } }")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("alerts[0].notify.recipe"));
        assertThat(errors("sla: { maxLatency: 2s, quiet: 5m }")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("sla.quiet"));
        assertThat(errors("alerts: { errorRate: 0.1 }")).singleElement().satisfies(e -> assertThat(e.path()).isEqualTo("alerts"));
    }

    private List<ValidationError> errors(String extra) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(recipe(extra), SourceFormat.YAML));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }
}
