package dev.braid.app.studio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/schema/recipe.json} through real HTTP: open, a 2020-12 schema with every action's inputs. */
class RecipeSchemaIT extends BraidIntegrationTest {

    @Test
    void editorsFetchTheSchemaWithoutCredentials() {
        ApiClient.Response r = anonymous.get("/api/v1/schema/recipe.json");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("content-type")).contains("json");
        JsonNode schema = r.json();
        assertThat(schema.path("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.at("/$defs/trigger/properties").propertyNames()).contains("webhook", "kafka", "cdc", "schedule", "poll", "manual");
        JsonNode actionEnum = schema.at("/$defs/step/oneOf/0/properties/action/enum");
        assertThat(actionEnum.valueStream().map(JsonNode::asString).toList())
                .contains("http.request", "sql.query", "kafka.publish", "mail.send", "core.transform");
        assertThat(schema.at("/$defs/step/oneOf/0/allOf").size()).isEqualTo(actionEnum.size());
        assertThat(api.get("/api/v1/schema/recipe.json").status()).isEqualTo(200);
    }
}
