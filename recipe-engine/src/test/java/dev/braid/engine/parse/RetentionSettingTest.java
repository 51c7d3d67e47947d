package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;

/** {@code retention: {history, summaries}} (ARCHITECTURE §10): typed, defaults when absent, mistakes at their lines. */
class RetentionSettingTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private static String recipe(String retention) {
        return "slug: kept\nname: Kept\ntrigger:\n  webhook: {}\n" + retention
                + "\nsteps:\n  - { id: log, action: core.log, with: { message: hi } }\n";
    }

    @Test
    void bothOrEitherAreReadAndAbsentMeansTheServersDefault() {
        assertThat(parser.parse(recipe("retention: { history: 14d, summaries: 400d }"), SourceFormat.YAML).retention())
                .isEqualTo(new Recipe.Retention(Duration.ofDays(14), Duration.ofDays(400)));
        assertThat(parser.parse(recipe("retention: { history: 1h }"), SourceFormat.YAML).retention())
                .isEqualTo(new Recipe.Retention(Duration.ofHours(1), null));
        assertThat(parser.parse(recipe(""), SourceFormat.YAML).retention()).isEqualTo(Recipe.Retention.DEFAULT);
    }

    @Test
    void mistakesNameTheFieldTheLineAndTheFix() {
        assertThat(errors("retention: { history: 30d, summaries: 7d }")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("retention.history");
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.message()).contains("longer than 'summaries'").contains("30d").contains("7d");
        });
        assertThat(errors("retention: { history: 10s }")).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("retention.history");
            assertThat(e.message()).contains("at least 1m");
        });
        assertThat(errors("retention: { history: soon }")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("retention.history"));
        assertThat(errors("retention: { days: 3 }")).extracting(ValidationError::path).contains("retention.days");
        assertThat(errors("retention: {}")).singleElement().satisfies(e -> assertThat(e.message()).contains("history: 14d"));
    }

    private List<ValidationError> errors(String retention) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(recipe(retention), SourceFormat.YAML));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }
}
