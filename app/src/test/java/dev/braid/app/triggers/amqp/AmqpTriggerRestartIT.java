package dev.braid.app.triggers.amqp;

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
import dev.braid.app.support.TestAmqp;
import dev.braid.app.support.TestKafka;

/**
 * Exactly one run per AMQP message (ARCHITECTURE §3): the server runs as its own JVM consuming two queues of
 * a broker in this JVM with manual acknowledgements; it is killed with SIGKILL while 1,000 messages stream in
 * (per queue). The broker requeues the unacknowledged ones and a new server consumes them again: a message
 * whose run was committed before the kill comes again with its message id and starts nothing. Publishing a
 * message id a second time starts nothing either.
 */
class AmqpTriggerRestartIT {

    private static final Logger log = LoggerFactory.getLogger(AmqpTriggerRestartIT.class);
    private static final String PASSWORD = "amqp-restart-pw";
    private static final int MESSAGES = 1_000;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    private final TestAmqp broker = new TestAmqp();

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void aThousandMessagesWithASigkillInTheMiddleMakeExactlyAThousandRunsAndBatchEvents() throws Exception {
        broker.declareQueue("orders");
        broker.declareQueue("orders-batched");
        ServerProcess first = start();
        first.braid().saveConnection(Map.of("name", "rabbit", "connector", "amqp", "settings", broker.connectionSettings()));
        first.braid().saveRecipe("""
                slug: each
                name: One run per message
                trigger:
                  amqp: { connection: rabbit, queue: orders, prefetch: 100 }
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body.n }}" }
                """);
        first.braid().saveRecipe("""
                slug: batched
                name: Batches of messages
                trigger:
                  amqp: { connection: rabbit, queue: orders-batched, batch: { maxSize: 50, maxWait: 200ms } }
                steps:
                  - id: size
                    action: core.transform
                    with: { value: "{{ $count(trigger.events) }}" }
                """);

        CompletableFuture<Void> publishing = CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> broker.publish("orders", MESSAGES, i -> "m-" + i, 20, 50)),
                CompletableFuture.runAsync(() -> broker.publish("orders-batched", MESSAGES, i -> "m-" + i, 20, 50)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'each'") >= 200);
        long before = servers.count("select count(*) from trigger_events where recipe = 'each'");
        first.kill();   // SIGKILL: the broker requeues what was delivered and not acknowledged
        log.info("Killed the server after {} messages had their run", before);

        ServerProcess second = start();
        publishing.join();
        // Three message ids already seen, then a new one: the queue is consumed in order, so once the new one has
        // its run the three were handled — and must have started nothing.
        broker.publish("orders", 3, i -> "m-" + (7 + i), 0, 0);
        broker.publish("orders", 1, i -> "m-last", 0, 0);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'each'") == MESSAGES + 1
                        && servers.count("select count(*) from trigger_events where recipe = 'batched'") == MESSAGES);
        assertThat(servers.count("select count(*) from runs where recipe = 'each'")).isEqualTo(MESSAGES + 1);
        assertThat(servers.count("select count(distinct (trigger ->> 'messageId')) from runs where recipe = 'each'"))
                .isEqualTo(MESSAGES + 1);
        assertThat(servers.count("select coalesce(sum(jsonb_array_length(trigger -> 'events')), 0) from runs where recipe = 'batched'"))
                .as("each message in exactly one batch run").isEqualTo(MESSAGES);
        assertThat(servers.count("""
                select count(distinct ev ->> 'messageId') from runs r, jsonb_array_elements(r.trigger -> 'events') ev
                 where r.recipe = 'batched'""")).isEqualTo(MESSAGES);
        assertThat(servers.count("select count(*) from dead_letters")).isZero();
        log.info("After the SIGKILL: {} runs of 'each' (and one more), {} batch runs of 'batched' holding {} messages", MESSAGES,
                servers.count("select count(*) from runs where recipe = 'batched'"), MESSAGES);
        second.terminate(Duration.ofSeconds(60));
    }

    private ServerProcess start() {
        return servers.start(PASSWORD,
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "--braid.triggers.refresh=1s");
    }
}
