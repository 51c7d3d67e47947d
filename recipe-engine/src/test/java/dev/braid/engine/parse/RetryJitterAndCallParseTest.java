package dev.braid.engine.parse;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/** {@code retry.jitter} at recipe and step level, and the {@code call:} step kind. */
class RetryJitterAndCallParseTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private List<ValidationError> errors(String yaml) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(yaml, SourceFormat.YAML));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }

    @Test
    void jitterIsReadAtRecipeAndStepLevel() {
        Recipe recipe = parser.parse("""
                slug: jittery
                name: Jittery
                trigger:
                  webhook: {}
                retry: {jitter: 0.5}
                steps:
                  - id: a
                    action: core.log
                    with: {message: hi}
                    retry: {jitter: 0}
                """, SourceFormat.YAML);

        assertThat(recipe.retry().jitter()).isEqualTo(0.5);
        assertThat(((Step.ActionStep) recipe.steps().getFirst()).retry().jitter()).isEqualTo(0.0);
    }

    @Test
    void jitterOutOfRangeIsAnErrorWithItsLine() {
        List<ValidationError> errors = errors("""
                slug: jittery
                name: Jittery
                trigger:
                  webhook: {}
                retry: {jitter: 1.5}
                steps:
                  - id: a
                    action: core.log
                    with: {message: hi}
                    retry:
                      jitter: -0.1
                """);

        assertThat(errors).extracting(ValidationError::path, ValidationError::line)
                .containsExactly(tuple("retry.jitter", 5), tuple("steps[0].retry.jitter", 11));
        assertThat(errors.getFirst().message()).contains("from 0 to 1", "1.5");
    }

    @Test
    void aCallStepNamesARecipeSlugWithATemplatedBody() {
        Recipe recipe = parser.parse("""
                slug: parent
                name: Parent
                trigger:
                  webhook: {}
                steps:
                  - id: child
                    call: enrich-order
                    with: {order: "{{ trigger.body.id }}"}
                    timeout: 10m
                    onError: continue
                """, SourceFormat.YAML);

        Step.CallStep call = (Step.CallStep) recipe.steps().getFirst();
        assertThat(call.recipe()).isEqualTo("enrich-order");
        assertThat(call.with().path("order").asString()).isEqualTo("{{ trigger.body.id }}");
        assertThat(call.timeout()).hasMinutes(10);
        assertThat(call.continueOnError()).isTrue();
    }

    @Test
    void aCallStepWithABadSlugIsAnErrorWithItsLine() {
        List<ValidationError> errors = errors("""
                slug: parent
                name: Parent
                trigger:
                  webhook: {}
                steps:
                  - id: child
                    call: Enrich_Order
                """);

        assertThat(errors).extracting(ValidationError::path, ValidationError::line)
                .containsExactly(tuple("steps[0].call", 7));
        assertThat(errors.getFirst().message()).contains("slug", "Enrich_Order");
    }
}
