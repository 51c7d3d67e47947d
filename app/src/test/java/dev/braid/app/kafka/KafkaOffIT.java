package dev.braid.app.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.TestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * No silent split brain (issue 19): a node on an external database (the shared test PostgreSQL, as a
 * production node would see it) with no Kafka settings starts no embedded broker of its own. It says that
 * Kafka features are off in its start-up log, in {@code /actuator/health} (component {@code kafka}) and in the
 * answer to saving a recipe that needs Braid's own Kafka — naming the setting to set; recipes that do not
 * need it save as before.
 */
class KafkaOffIT extends BraidIntegrationTest {

    @Test
    void aNodeOnAnExternalDatabaseWithoutKafkaSettingsStartsNoBrokerAndSaysKafkaIsOff() throws Exception {
        Path home = Files.createTempDirectory("braid-kafka-off").resolve("home");
        // The master key of the shared home: this node reads the same sealed connections as the test's.
        Files.createDirectories(home);
        Files.copy(Path.of("target/test-braid-home/master.key"), home.resolve("master.key"));
        try (ServerProcess node = new ServerProcess(home, ADMIN_PASSWORD,
                "--spring.datasource.url=" + TestDatabase.jdbcUrl(), "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres", "--braid.worker.poll-interval=60s").start()) {
            String log = Files.readString(node.logFile().toPath());
            assertThat(log).contains("Kafka features are off").contains("SPRING_KAFKA_BOOTSTRAP_SERVERS")
                    .doesNotContain("embedded Kafka (KRaft) ready");
            assertThat(home.resolve("kafka.port")).doesNotExist();
            assertThat(home.resolve("kafka")).doesNotExist();

            ApiClient.Response health = node.anonymous().get("/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            JsonNode kafka = health.json().path("components").path("kafka");
            assertThat(health.json().path("status").asString()).isEqualTo("UP");
            assertThat(kafka.path("status").asString()).isEqualTo("OFF");
            assertThat(kafka.path("description").asString()).contains("SPRING_KAFKA_BOOTSTRAP_SERVERS");

            ApiClient.Response trigger = node.api().postYaml("/api/v1/recipes", """
                    slug: kafka-off-trigger
                    name: Reads Braid's own Kafka
                    trigger:
                      kafka: { topic: orders }
                    steps:
                      - { id: log, action: core.log, with: { message: "{{ trigger.body }}" } }
                    """);
            assertThat(trigger.status()).isEqualTo(400);
            JsonNode error = trigger.json().path("errors").get(0);
            assertThat(error.path("path").asString()).isEqualTo("trigger.kafka.topic");
            assertThat(error.path("line").asInt()).isEqualTo(4);
            assertThat(error.path("message").asString()).contains("Kafka features are off").contains("SPRING_KAFKA_BOOTSTRAP_SERVERS");

            ApiClient.Response publish = node.api().postYaml("/api/v1/recipes", """
                    slug: kafka-off-publish
                    name: Publishes to Braid's own Kafka
                    trigger:
                      webhook: {}
                    steps:
                      - id: publish
                        action: kafka.publish
                        with: { topic: orders, value: "{{ trigger.body }}" }
                    """);
            assertThat(publish.status()).isEqualTo(400);
            error = publish.json().path("errors").get(0);
            assertThat(error.path("path").asString()).isEqualTo("steps[0].action");
            assertThat(error.path("line").asInt()).isEqualTo(7);
            assertThat(error.path("message").asString()).contains("SPRING_KAFKA_BOOTSTRAP_SERVERS");
            assertThat(node.api().get("/api/v1/recipes/kafka-off-publish").status()).isEqualTo(404);

            ApiClient.Response plain = node.api().postYaml("/api/v1/recipes", """
                    slug: kafka-off-plain
                    name: Needs no Kafka
                    trigger:
                      webhook: {}
                    steps:
                      - { id: log, action: core.log, with: { message: "{{ trigger.body }}" } }
                    """);
            assertThat(plain.status()).isEqualTo(201);
            node.api().delete("/api/v1/recipes/kafka-off-plain");
        }
        // The test's own node has Kafka settings: the same recipe saves there.
        assertThat(api.postYaml("/api/v1/recipes", """
                slug: kafka-on-publish
                name: Publishes to Braid's own Kafka
                trigger:
                  webhook: {}
                steps:
                  - { id: publish, action: kafka.publish, with: { topic: orders, value: "{{ trigger.body }}" } }
                """).status()).isEqualTo(201);
        api.delete("/api/v1/recipes/kafka-on-publish");
    }
}
