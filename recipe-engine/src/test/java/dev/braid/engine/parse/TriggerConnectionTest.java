package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.TriggerSettings;

/** Saving a recipe checks its trigger's connection: a cdc one exists, is sql and PostgreSQL; a kafka one exists and is kafka. */
class TriggerConnectionTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    /** name -> {connector, url}. */
    private static final Map<String, List<String>> CONNECTIONS = Map.of(
            "shop-db", List.of("sql", "jdbc:postgresql://db.example.com:5432/shop"),
            "legacy-db", List.of("sql", "jdbc:mysql://db.example.com:3306/shop?password=hunter2"),
            "crm", List.of("http", "https://crm.example"),
            "events", List.of("kafka", "kafka-1.example.com:9092"));

    private static final ConnectionTypes TYPES = new ConnectionTypes() {
        @Override
        public Optional<String> connectorOf(String name) {
            return Optional.ofNullable(CONNECTIONS.get(name)).map(List::getFirst);
        }

        @Override
        public Optional<String> settingOf(String name, String setting) {
            return "url".equals(setting) ? Optional.ofNullable(CONNECTIONS.get(name)).map(List::getLast) : Optional.empty();
        }
    };

    private static String recipe(String connection, String table) {
        return """
                slug: follow
                name: Follow orders
                trigger:
                  cdc: { connection: %s, tables: [%s] }
                steps:
                  - id: log
                    action: core.log
                    with: { message: "{{ trigger.op }}" }
                """.formatted(connection, table);
    }

    private List<ValidationError> errors(String yaml) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(yaml, SourceFormat.YAML, TYPES));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }

    @Test
    void aPostgresSqlConnectionIsAccepted() {
        assertThat(((TriggerSettings.Cdc) parser.parse(recipe("shop-db", "public.orders"), SourceFormat.YAML, TYPES).trigger()
                .settings()).connection()).isEqualTo("shop-db");
    }

    @Test
    void anotherDatabaseIsRefusedWithoutShowingItsUrl() {
        ValidationError e = errors(recipe("legacy-db", "public.orders")).getFirst();
        assertThat(e.path()).isEqualTo("trigger.cdc.connection");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.message()).isEqualTo("Connection 'legacy-db' is not PostgreSQL (its URL starts 'jdbc:mysql:'); "
                + "change data capture reads PostgreSQL only");
    }

    @Test
    void aConnectionOfAnotherConnectorOrNoneAtAllIsRefused() {
        assertThat(errors(recipe("crm", "orders")).getFirst().message())
                .isEqualTo("Connection 'crm' is a 'http' connection; a cdc trigger needs an 'sql' connection to a PostgreSQL database");
        assertThat(errors(recipe("nowhere", "orders")).getFirst().message()).startsWith("Connection 'nowhere' does not exist");
    }

    @Test
    void tableNamesMustBePlainIdentifiers() {
        ValidationError e = errors(recipe("shop-db", "'public.orders; drop table x'")).getFirst();
        assertThat(e.path()).isEqualTo("trigger.cdc.tables[0]");
        assertThat(e.message()).contains("is not a plain table name");
    }

    @Test
    void withoutConnectionTypesAStoredVersionIsReadAsWritten() {
        assertThat(parser.parse(recipe("legacy-db", "public.orders"), SourceFormat.YAML).slug()).isEqualTo("follow");
    }

    private static String kafkaRecipe(String connection) {
        return """
                slug: consume
                name: Consume orders
                trigger:
                  kafka: { topic: orders, connection: %s }
                steps:
                  - id: log
                    action: core.log
                    with: { message: "{{ trigger.body }}" }
                """.formatted(connection);
    }

    @Test
    void aKafkaTriggersConnectionMustExistAndBeAKafkaConnection() {
        assertThat(((TriggerSettings.Kafka) parser.parse(kafkaRecipe("events"), SourceFormat.YAML, TYPES).trigger().settings())
                .connection()).isEqualTo("events");
        assertThat(errors(kafkaRecipe("nowhere"))).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("trigger.kafka.connection");
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.message()).contains("'nowhere' does not exist").contains("Braid's own Kafka");
        });
        assertThat(errors(kafkaRecipe("shop-db"))).singleElement().satisfies(e ->
                assertThat(e.message()).contains("is a 'sql' connection").contains("'kafka' connection"));
    }
}
