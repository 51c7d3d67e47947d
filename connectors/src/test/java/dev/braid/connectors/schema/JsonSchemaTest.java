package dev.braid.connectors.schema;

import static dev.braid.connectors.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.ActionException;

class JsonSchemaTest {

    private final JsonSchema schema = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"},
                "size": {"type": "integer"},
                "mode": {"enum": ["a", "b"]},
                "tags": {"type": "array", "items": {"type": ["string", "number"]}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}
              },
              "required": ["name"],
              "additionalProperties": false
            }
            """);

    @Test
    void acceptsAConformingValue() {
        assertThat(schema.violations(json("{name: 'abc', size: 2.0, mode: 'a', tags: ['x', 1], labels: {k: 'v'}}"), "with"))
                .isEmpty();
    }

    @Test
    void reportsEveryViolationWithItsPath() {
        assertThat(schema.violations(json("{size: 2.5, mode: 'c', tags: ['x', true], labels: {k: 1}, extra: 1}"), "with"))
                .containsExactlyInAnyOrder(
                        "with.name: is required",
                        "with.size: expected integer, got number",
                        "with.mode: must be one of [\"a\",\"b\"]",
                        "with.tags[1]: expected string or number, got boolean",
                        "with.labels.k: expected string, got number",
                        "with.extra: unknown property; allowed are [name, size, mode, tags, labels]");
    }

    @Test
    void checksStringLengthAndPattern() {
        assertThat(schema.violations(json("{name: ''}"), "with")).contains("with.name: must not be empty");
        assertThat(schema.violations(json("{name: 'ABC'}"), "with")).containsExactly("with.name: 'ABC' does not match ^[a-z]+$");
    }

    @Test
    void requireValidThrowsAFatalInputInvalid() {
        ActionException e = catchThrowableOfType(ActionException.class, () -> schema.requireValid(json("{}"), "with"));

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("with.name: is required");
    }

    @Test
    void refusesKeywordsItWouldNotEnforce() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> JsonSchema.parse("{\"type\": \"object\", \"properties\": {\"n\": {\"maximum\": 3}}}"))
                .withMessageContaining("#/properties/n", "maximum");
    }

    @Test
    void handsOutCopiesOfTheSchema() {
        ((tools.jackson.databind.node.ObjectNode) schema.node()).put("type", "string");

        assertThat(schema.node().get("type").asString()).isEqualTo("object");
    }
}
