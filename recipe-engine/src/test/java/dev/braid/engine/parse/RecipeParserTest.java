package dev.braid.engine.parse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * How the reader treats YAML and JSON as such (aliases, merge keys, scalars, limits, paths). The
 * recipes here are a few lines each and exist only to exercise one reading rule; recipe-level
 * validation lives in the fixture tests.
 */
class RecipeParserTest {

    private static final String HEAD = """
            slug: reader
            name: Reader
            trigger:
              manual: {}
            """;

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private List<ValidationError> errors(String source, SourceFormat format) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class, () -> parser.parse(source, format));
        assertThat(e).as("must be rejected:%n%s", source).isNotNull();
        return e.errors();
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "application/json,                  'slug: x',      JSON",
        "application/problem+json,          'slug: x',      JSON",
        "Application/JSON; charset=utf-8,   'slug: x',      JSON",
        "application/yaml,                  '  {\"slug\": 1}', JSON",
        "text/plain,                        '\n\t{}',       JSON",
        "application/yaml,                  'slug: x',      YAML",
        "null,                              '{}',           JSON",
        "null,                              null,           YAML",
        "null,                              '   ',          YAML",
    })
    void detectsTheFormat(String contentType, String body, SourceFormat expected) {
        assertThat(RecipeParser.detectFormat(contentType, body)).isEqualTo(expected);
    }

    @Test
    void compactJsonAsTheStoreWritesItParsesToTheSameRecipe() {
        Recipe fromYaml = parser.parse(Fixtures.text("valid/full-webhook.yaml"), SourceFormat.YAML);
        String json = JsonMapper.builder().build().writeValueAsString(fromYaml.definition());

        Recipe fromJson = parser.parse(json, SourceFormat.JSON);

        assertThat(fromJson).isEqualTo(fromYaml);
    }

    @Test
    void scalarsAreResolvedByTheirYamlTags() {
        Recipe recipe = parser.parse(HEAD + """
                steps:
                  - id: values
                    action: core.transform
                    with:
                      int: 42
                      big: 123456789012345678901234567890
                      float: 1.5
                      bool: true
                      nothing: ~
                      quoted: "42"
                      date: 2024-01-31
                      version: 1.10.2
                """, SourceFormat.YAML);

        JsonNode with = ((Step.ActionStep) recipe.steps().getFirst()).with();
        assertThat(with.get("int").isInt()).isTrue();
        assertThat(with.get("big").isBigInteger()).isTrue();
        assertThat(with.get("float").doubleValue()).isEqualTo(1.5);
        assertThat(with.get("bool").isBoolean()).isTrue();
        assertThat(with.get("nothing").isNull()).isTrue();
        assertThat(with.get("quoted").isString()).isTrue();
        assertThat(with.get("date").asString()).isEqualTo("2024-01-31");
        assertThat(with.get("version").asString()).isEqualTo("1.10.2");
    }

    @Test
    void aBareNumberIsADurationInSeconds() {
        Recipe recipe = parser.parse(HEAD + "timeout: 90\nsteps:\n  - id: a\n    action: core.log\n", SourceFormat.YAML);
        assertThat(recipe.timeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aFewAliasesAndMergeKeysAreFine() {
        Recipe recipe = parser.parse(HEAD + """
                steps:
                  - &log
                    id: one
                    action: core.log
                    with: { level: info }
                  - <<: *log
                    id: two
                    with: { level: warn, message: "{{ trigger.body }}" }
                """, SourceFormat.YAML);

        assertThat(recipe.steps()).hasSize(2);
        Step.ActionStep one = (Step.ActionStep) recipe.steps().get(0);
        Step.ActionStep two = (Step.ActionStep) recipe.steps().get(1);
        assertThat(one.action()).isEqualTo("core.log");
        assertThat(one.with().get("level").asString()).isEqualTo("info");
        assertThat(two.with().get("level").asString()).isEqualTo("warn");
    }

    @Test
    void aRecursiveAliasIsRefused() {
        List<ValidationError> errors = errors(HEAD + """
                steps: &loop
                  - id: a
                    action: core.log
                    with: { again: *loop }
                """, SourceFormat.YAML);

        assertThat(errors).anySatisfy(e -> {
            assertThat(e.message()).contains("refers to a list or mapping that contains it");
            assertThat(e.path()).isEqualTo("steps[0].with.again");
        });
    }

    @Test
    void anAliasBombBelowTheAliasLimitIsStoppedByTheValueLimit() {
        StringBuilder yaml = new StringBuilder(HEAD).append("l0: &l0 [x, x]\n");
        for (int i = 1; i <= 24; i++) {
            yaml.append("l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
        }
        yaml.append("steps:\n  - id: a\n    action: core.log\n");

        List<ValidationError> errors = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> errors(yaml.toString(), SourceFormat.YAML));

        assertThat(errors).singleElement().satisfies(e ->
                assertThat(e.message()).startsWith("The recipe holds more than 100000 values, counting what YAML aliases (*name) repeat"));
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithItsPlace() {
        String deep = "[".repeat(150) + "]".repeat(150);
        List<ValidationError> errors = errors(HEAD + "steps: " + deep + "\n", SourceFormat.YAML);

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.message()).contains("more than 100 levels deep");
            assertThat(e.line()).isEqualTo(5);
        });
    }

    @Test
    void severalDocumentsAreRefused() {
        List<ValidationError> errors = errors(HEAD + "steps: []\n---\nslug: other\n", SourceFormat.YAML);
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.message()).contains("not well-formed YAML").contains("expected a single document");
            assertThat(e.line()).isEqualTo(6);
        });
    }

    @Test
    void aDocumentThatIsNotAMappingIsRefused() {
        assertThat(errors("- a\n- b\n", SourceFormat.YAML)).singleElement().satisfies(e ->
                assertThat(e.message()).isEqualTo("A recipe is a mapping of fields (slug, name, trigger, steps, ...); found a list"));
    }

    @Test
    void pathsQuoteKeysThatAreNotPlainNames() {
        List<ValidationError> errors = errors(HEAD + """
                steps:
                  - id: call
                    action: http.request
                    with:
                      headers: { "x.trace id": "{{ ( }}" }
                """, SourceFormat.YAML);

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("steps[0].with.headers[\"x.trace id\"]");
            assertThat(e.line()).isEqualTo(9);
            assertThat(e.column()).isEqualTo(32);
        });
    }

    @Test
    void aMissingSlugAndNameAndStepsAreAllReported() {
        List<ValidationError> errors = errors("trigger:\n  manual:\n", SourceFormat.YAML);
        assertThat(errors).extracting(ValidationError::message).satisfiesExactly(
                m -> assertThat(m).startsWith("Missing required field 'slug'"),
                m -> assertThat(m).startsWith("Missing required field 'name'"),
                m -> assertThat(m).startsWith("Missing required field 'steps'"));
        assertThat(errors).allSatisfy(e -> assertThat(e.line()).isEqualTo(1));
    }

    @Test
    void theExceptionMessageCountsTheProblems() {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(Fixtures.text("invalid/three-errors.yaml"), SourceFormat.YAML));
        assertThat(e.getMessage()).startsWith("3 problem(s) in the recipe: '10 sec' is not a duration");
    }

    @Test
    void theParserIsSafeToShare() throws Exception {
        String yaml = Fixtures.text("valid/full-webhook.yaml");
        Recipe expected = parser.parse(yaml, SourceFormat.YAML);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        assertThat(parser.parse(yaml, SourceFormat.YAML)).isEqualTo(expected);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
