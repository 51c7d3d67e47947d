package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A trigger served by a connector's source ({@code mqtt:}) is read generically: the fields its settings schema
 * lists and no others, its required ones, whole numbers within bounds, lists of text; the common ones
 * (connection of the right connector, idempotencyKey, dedupe with the source's default window, batch).
 */
class ConnectorTriggerTest {

    private static final JsonNode SCHEMA = JsonMapper.shared().readTree("""
            {"type": "object",
             "properties": {
               "connection": {"type": "string", "description": "the mqtt connection"},
               "topics": {"type": "array", "items": {"type": "string"}, "description": "list topic filters, e.g. [a/+/b]"},
               "qos": {"type": "integer", "minimum": 0, "maximum": 1, "description": "0 or 1"},
               "format": {"type": "string", "enum": ["json", "text"], "description": "json or text"},
               "idempotencyKey": {"type": "string", "description": "key"},
               "dedupe": {"type": "object", "properties": {"window": {"type": "string", "default": "24h"}}},
               "batch": {"type": "object", "description": "batch"}},
             "required": ["connection", "topics"], "additionalProperties": false}
            """);

    private static final Connector MQTT = new Connector() {
        @Override
        public String name() {
            return "mqtt";
        }

        @Override
        public Map<String, Action> actions() {
            return Map.of();
        }

        @Override
        public Map<String, TriggerSource> triggers() {
            return Map.of("mqtt", new TriggerSource() {
                @Override
                public String type() {
                    return "mqtt";
                }

                @Override
                public JsonNode settingsSchema() {
                    return SCHEMA;
                }

                @Override
                public Running start(TriggerContext context) {
                    throw new UnsupportedOperationException();
                }
            });
        }
    };

    private final RecipeParser parser = new RecipeParser(new ConnectorRegistry(List.of(MQTT,
            FakeConnectors.registry().connector("core").orElseThrow())), Expressions.withDefaults());

    private static final ConnectionTypes CONNECTIONS = name -> Optional.ofNullable(
            Map.of("plant-broker", "mqtt", "crm", "http").get(name));

    private static String recipe(String trigger) {
        return """
                slug: telemetry
                name: Telemetry
                trigger:
                  %s
                steps:
                  - id: log
                    action: core.log
                    with: { message: "{{ trigger.topic }}" }
                """.formatted(trigger);
    }

    private List<ValidationError> errors(String trigger) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(recipe(trigger), SourceFormat.YAML, CONNECTIONS));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }

    @Test
    void readsTheCommonSettingsAndKeepsTheSourcesOwn() {
        Trigger trigger = parser.parse(recipe("mqtt: { connection: plant-broker, topics: [\"plant/+/temperature\"], qos: 1, "
                + "idempotencyKey: trigger.body.id, batch: { maxSize: 200, maxWait: 2s } }"), SourceFormat.YAML, CONNECTIONS).trigger();

        TriggerSettings.Source s = (TriggerSettings.Source) trigger.settings();
        assertThat(trigger.type()).isEqualTo(Trigger.Type.MQTT);
        assertThat(s.connection()).isEqualTo("plant-broker");
        assertThat(s.idempotencyKey()).isEqualTo("trigger.body.id");
        assertThat(s.dedupeWindow()).as("the source's default").isEqualTo(Duration.ofHours(24));
        assertThat(s.batch()).isEqualTo(new TriggerSettings.Batch(200, Duration.ofSeconds(2), null));
        assertThat(s.options().path("topics").get(0).asString()).isEqualTo("plant/+/temperature");
    }

    @Test
    void aDedupeWindowOverridesTheDefault() {
        TriggerSettings.Source s = (TriggerSettings.Source) parser.parse(recipe(
                "mqtt: { connection: plant-broker, topics: [a/#], dedupe: { window: 2h } }"), SourceFormat.YAML, CONNECTIONS)
                .trigger().settings();

        assertThat(s.dedupeWindow()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void unknownMissingAndOutOfRangeSettingsAreNamedWithTheirLine() {
        List<ValidationError> errors = errors("mqtt: { connection: plant-broker, topic: a/b, qos: 2, format: xml }");

        assertThat(errors).extracting(ValidationError::path).contains("trigger.mqtt.topic", "trigger.mqtt", "trigger.mqtt.qos",
                "trigger.mqtt.format");
        assertThat(errors).extracting(ValidationError::message).anySatisfy(m -> assertThat(m).contains("Unknown field 'topic'")
                .contains("did you mean 'topics'"));
        assertThat(errors).extracting(ValidationError::message).anySatisfy(m -> assertThat(m)
                .contains("Missing required field 'topics'").contains("e.g. [a/+/b]"));
        assertThat(errors).allSatisfy(e -> assertThat(e.line()).isEqualTo(4));
    }

    @Test
    void theConnectionMustExistAndBeOfTheSourcesConnector() {
        assertThat(errors("mqtt: { connection: crm, topics: [a/b] }")).extracting(ValidationError::message)
                .containsExactly("Connection 'crm' is a 'http' connection; a mqtt trigger needs a 'mqtt' connection");
        assertThat(errors("mqtt: { connection: nowhere, topics: [a/b] }")).extracting(ValidationError::message)
                .anySatisfy(m -> assertThat(m).startsWith("Connection 'nowhere' does not exist"));
    }

    @Test
    void aTypeNoInstalledConnectorReadsIsRefused() {
        assertThat(errors("amqp: { connection: plant-broker, queue: orders }")).extracting(ValidationError::message)
                .containsExactly("No installed connector reads amqp triggers; add the connector's jar to the class path or "
                        + "choose another trigger type");
    }
}
