package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;

/** {@code ordering: {key}} at the recipe's top level (ARCHITECTURE §11): read as typed, kept in the definition, mistakes at their lines. */
class OrderingSettingTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private static String recipe(String ordering) {
        return "slug: ordered\nname: Ordered\ntrigger:\n  kafka: { topic: orders }\n" + ordering
                + "\nsteps:\n  - { id: log, action: core.log, with: { message: hi } }\n";
    }

    @Test
    void theKeyIsReadAndTheDefinitionKeepsIt() {
        Recipe recipe = parser.parse(recipe("ordering: { key: \"trigger.body.customerId\" }"), SourceFormat.YAML);
        assertThat(recipe.orderingKey()).contains(new Recipe.Ordering("trigger.body.customerId"));
        assertThat(recipe.definition().path("ordering").path("key").asString()).isEqualTo("trigger.body.customerId");
        assertThat(parser.parse(recipe(""), SourceFormat.YAML).orderingKey()).isEmpty();
    }

    @Test
    void mistakesNameTheFieldAndTheLine() {
        assertThat(errors("ordering: { key: \"{{ trigger.body.id }}\" }")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("ordering.key");
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.message()).contains("bare expression");
        });
        assertThat(errors("ordering: {}")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("ordering");
            assertThat(e.message()).contains("Missing required field 'key'");
        });
        assertThat(errors("ordering: { key: \"trigger.body.id\", strict: true }")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("ordering.strict"));
        assertThat(errors("ordering: \"trigger.body.id\"")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("ordering"));
    }

    private List<ValidationError> errors(String ordering) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(recipe(ordering), SourceFormat.YAML));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }
}
