package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;

/** {@code index:} business keys (ARCHITECTURE §10): read in order, kept in the definition, every mistake at its line. */
class IndexSettingTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private static String recipe(String index) {
        return "slug: indexed\nname: Indexed\ntrigger:\n  webhook: {}\n" + index
                + "\nsteps:\n  - { id: log, action: core.log, with: { message: hi } }\n";
    }

    @Test
    void keysAreReadInTheOrderWrittenAndTheDefinitionKeepsThem() {
        Recipe recipe = parser.parse(recipe("""
                index:
                  orderId: "trigger.body.id"
                  customer: "trigger.body.customer.email"
                  total: "$sum(trigger.body.lines.amount)\""""), SourceFormat.YAML);
        assertThat(recipe.businessKeys()).containsExactly(
                java.util.Map.entry("orderId", "trigger.body.id"),
                java.util.Map.entry("customer", "trigger.body.customer.email"),
                java.util.Map.entry("total", "$sum(trigger.body.lines.amount)"));
        assertThat(recipe.definition().path("index").path("orderId").asString()).isEqualTo("trigger.body.id");
        assertThat(parser.parse(recipe(""), SourceFormat.YAML).businessKeys()).isEmpty();
    }

    @Test
    void badNamesAreReportedAtTheirLines() {
        List<ValidationError> errors = errors("""
                index:
                  order-id: "trigger.body.id"
                  9lives: "trigger.body.cat"
                  %s: "trigger.body.x"
                  ok_Name1: "trigger.body.y\"""".formatted("a".repeat(41)));
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0).path()).isEqualTo("index.order-id");
        assertThat(errors.get(0).line()).isEqualTo(6);
        assertThat(errors.get(0).message()).contains("'order-id' is not valid", "start with a letter");
        assertThat(errors.get(1).line()).isEqualTo(7);
        assertThat(errors.get(2).line()).isEqualTo(8);
        // a 40-character name is the longest allowed
        assertThat(parser.parse(recipe("index: { %s: \"trigger.body.x\" }".formatted("a".repeat(40))), SourceFormat.YAML)
                .businessKeys()).hasSize(1);
    }

    @Test
    void moreThanFiveKeysAreRefusedAtTheSixth() {
        List<ValidationError> errors = errors("""
                index:
                  a: "trigger.body.a"
                  b: "trigger.body.b"
                  c: "trigger.body.c"
                  d: "trigger.body.d"
                  e: "trigger.body.e"
                  f: "trigger.body.f\"""");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("index.f");
            assertThat(e.line()).isEqualTo(11);
            assertThat(e.message()).contains("has 6 keys", "at most 5");
        });
    }

    @Test
    void badExpressionsAndShapesAreReportedWithTheirLines() {
        List<ValidationError> errors = errors("""
                index:
                  orderId: "trigger.body.("
                  customer: "{{ trigger.body.customer }}"
                  total: [1, 2]
                  empty:""");
        assertThat(errors).extracting(ValidationError::path)
                .containsExactly("index.orderId", "index.customer", "index.total", "index.empty");
        assertThat(errors).extracting(ValidationError::line).containsExactly(6, 7, 8, 9);
        assertThat(errors.get(0).message()).contains("Invalid expression");
        assertThat(errors.get(1).message()).contains("bare expression", "customer: \"trigger.body.customer\"");
        assertThat(errors.get(2).message()).contains("must be an expression");
        assertThat(errors.get(3).message()).contains("needs an expression");

        assertThat(errors("index: \"trigger.body.id\"")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("index"));
        assertThat(errors("index: {}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("names no key"));
    }

    private List<ValidationError> errors(String index) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(recipe(index), SourceFormat.YAML));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }
}
