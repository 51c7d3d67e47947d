package dev.braid.app.triggers.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.TestKafka;
import dev.braid.app.support.TestMqtt;

/**
 * Exactly one run per MQTT message from QoS 1 (ARCHITECTURE §3): the server runs as its own JVM and
 * subscribes, in persistent sessions, to a broker in this JVM; it is killed with SIGKILL while 1,000
 * messages stream in, and the messages published while it is down wait in its sessions. A new server
 * resumes them: unacknowledged messages come again (the broker's resend, with the same packet id) and
 * start nothing; every message ends in exactly one run (per-message recipe) and in exactly one batch run.
 */
class MqttTriggerRestartIT {

    private static final Logger log = LoggerFactory.getLogger(MqttTriggerRestartIT.class);
    private static final String PASSWORD = "mqtt-restart-pw";
    private static final int MESSAGES = 1_000;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    private final TestMqtt broker = new TestMqtt();

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void aThousandMessagesWithASigkillInTheMiddleMakeExactlyAThousandRunsAndBatchEvents() throws Exception {
        ServerProcess first = start();
        first.braid().saveConnection(Map.of("name", "plant-broker", "connector", "mqtt", "settings", Map.of("url", broker.url())));
        first.braid().saveRecipe("""
                slug: each
                name: One run per message
                trigger:
                  mqtt: { connection: plant-broker, topics: ["plant/+/telemetry"], qos: 1 }
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body.n }}" }
                """);
        first.braid().saveRecipe("""
                slug: batched
                name: Batches of the same messages
                trigger:
                  mqtt: { connection: plant-broker, topics: ["plant/#"], batch: { maxSize: 50, maxWait: 200ms } }
                steps:
                  - id: size
                    action: core.transform
                    with: { value: "{{ $count(trigger.events) }}" }
                """);
        // The sessions must exist before the first message: MQTT keeps messages only for subscriptions.
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.connected("braid-each") && broker.connected("braid-batched"));

        CompletableFuture<Void> publishing = CompletableFuture.runAsync(
                () -> broker.publish(MESSAGES, i -> "plant/line-" + (i % 3) + "/telemetry", 20, 50));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'each'") >= 200);
        long before = servers.count("select count(*) from trigger_events where recipe = 'each'");
        first.kill();   // SIGKILL: messages in flight are not acknowledged, later ones queue in the sessions
        log.info("Killed the server after {} messages had their run", before);

        ServerProcess second = start();
        publishing.join();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'each'") == MESSAGES
                        && servers.count("select count(*) from trigger_events where recipe = 'batched'") == MESSAGES);
        // Redelivered messages could only add events or runs; give them a moment to arrive, then count exactly.
        await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> true);
        assertThat(servers.count("select count(*) from trigger_events where recipe = 'each'")).isEqualTo(MESSAGES);
        assertThat(servers.count("select count(*) from runs where recipe = 'each'")).isEqualTo(MESSAGES);
        assertThat(servers.count("select count(distinct (trigger -> 'body' ->> 'n')) from runs where recipe = 'each'"))
                .isEqualTo(MESSAGES);
        assertThat(servers.count("select coalesce(sum(jsonb_array_length(trigger -> 'events')), 0) from runs where recipe = 'batched'"))
                .as("each message in exactly one batch run").isEqualTo(MESSAGES);
        assertThat(servers.count("""
                select count(distinct ev -> 'body' ->> 'n') from runs r, jsonb_array_elements(r.trigger -> 'events') ev
                 where r.recipe = 'batched'""")).isEqualTo(MESSAGES);
        assertThat(servers.count("select count(*) from dead_letters")).isZero();
        log.info("After the SIGKILL: {} runs of 'each', {} batch runs of 'batched' holding {} messages", MESSAGES,
                servers.count("select count(*) from runs where recipe = 'batched'"), MESSAGES);
        second.terminate(Duration.ofSeconds(60));
    }

    private ServerProcess start() {
        return servers.start(PASSWORD,
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "--braid.triggers.refresh=1s");
    }
}
