package dev.braid.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import dev.braid.engine.parse.RecipeSchema;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema of the recipe format ({@code GET /api/v1/schema/recipe.json}) accepts every sample and every
 * recipe of the README, as an editor would check them, and refuses recipes the parser refuses for the same
 * reason (an unknown trigger, a step of no kind, an action input of the wrong type, an unknown action).
 */
class RecipeSchemaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ObjectNode SCHEMA_JSON = RecipeSchema.of(ConnectorRegistry.load());
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(SCHEMA_JSON);

    static List<String> samples() throws IOException {
        return SamplesTest.index();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleMatchesTheSchema(String file) throws IOException {
        assertThat(SCHEMA.validate(SamplesTest.load(file))).as(file).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dev.braid.samples.ReadmeRecipesTest#snippets")
    void everyReadmeRecipeMatchesTheSchema(String yaml) {
        assertThat(SCHEMA.validate(json(yaml))).as(yaml).isEmpty();
    }

    @Test
    void theSchemaDescribesEveryActionsInputs() {
        JsonNode rules = SCHEMA_JSON.at("/$defs/step/oneOf/0/allOf");
        List<String> actions = rules.valueStream().map(r -> r.at("/if/properties/action/const").asString()).toList();
        assertThat(actions).contains("http.request", "sql.query", "sql.execute", "kafka.publish", "mail.send", "core.transform");
        JsonNode http = rules.valueStream().filter(r -> r.at("/if/properties/action/const").asString().equals("http.request"))
                .findFirst().orElseThrow().at("/then/properties/with");
        assertThat(http.at("/properties/url/description").asString()).isNotBlank();
        assertThat(http.path("examples").isArray()).isTrue();
    }

    @Test
    void wrongRecipesAreRefused() {
        String base = """
                slug: wrong
                name: Wrong
                trigger: { webhook: {} }
                steps:
                  - id: call
                    action: http.request
                    with: { method: GET, url: "https://example.org" }
                """;
        assertThat(SCHEMA.validate(json(base))).isEmpty();

        assertThat(messages(base.replace("webhook: {}", "webhok: {}"))).isNotEmpty();
        assertThat(messages(base.replace("action: http.request", "acton: http.request"))).isNotEmpty();
        assertThat(messages(base.replace("action: http.request", "action: http.requets"))).isNotEmpty();
        // an input of the wrong type: the http.request schema applies to with: through if/then on action
        assertThat(messages(base.replace("method: GET", "method: [GET]"))).isNotEmpty();
        // ... while a {{ }} template is accepted wherever a value goes
        assertThat(messages(base.replace("method: GET", "method: \"{{ trigger.body.method }}\""))).isEmpty();
        assertThat(messages(base.replace("slug: wrong", "slug: Not A Slug"))).isNotEmpty();
        assertThat(messages(base.replace("trigger: { webhook: {} }", "trigger: { webhook: { respond: { mode: later } } }")))
                .isNotEmpty();
    }

    private static List<String> messages(String yaml) {
        return SCHEMA.validate(json(yaml)).stream().map(Error::getMessage).toList();
    }

    private static JsonNode json(String yaml) {
        return JSON.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml));
    }
}
