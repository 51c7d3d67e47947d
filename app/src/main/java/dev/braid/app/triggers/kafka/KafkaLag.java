package dev.braid.app.triggers.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.braid.connectors.kafka.ConsumerLag;
import dev.braid.connectors.kafka.KafkaSettings;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * The consumer lag of a kafka recipe ({@link ConsumerLag}, the connector's reading of its own groups) on the
 * trigger's cluster — Braid's own Kafka or its kafka connection — with one {@link Admin} client per
 * cluster, kept until the server stops. The broker is the one place these numbers live, so every node
 * answers the same.
 */
@Component
public class KafkaLag implements DisposableBean {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final KafkaTriggers triggers;
    private final Map<Map<String, String>, Admin> admins = new ConcurrentHashMap<>();

    public KafkaLag(KafkaTriggers triggers) {
        this.triggers = triggers;
    }

    /**
     * The lag of {@code slug}'s consumer group on its trigger's topic.
     *
     * @throws IllegalStateException saying why it cannot be read (no such topic, the cluster unreachable, ...)
     */
    public ConsumerLag.Lag of(String slug, TriggerSettings.Kafka trigger) {
        return ConsumerLag.read(admin(trigger), slug, trigger, TIMEOUT);
    }

    /** The admin client of the trigger's cluster. */
    private Admin admin(TriggerSettings.Kafka trigger) {
        JsonNode connection = triggers.connectionOf(trigger);
        Map<String, String> client;
        try {
            client = KafkaSettings.from(connection).clientProperties();
        } catch (ActionException e) {
            throw new IllegalStateException("The trigger's kafka connection is not usable: " + e.getMessage(), e);
        }
        return admins.computeIfAbsent(client, c -> {
            Map<String, Object> props = new HashMap<>(c);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "braid-health");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            return Admin.create(props);
        });
    }

    @Override
    public void destroy() {
        admins.values().forEach(a -> a.close(Duration.ofSeconds(2)));
        admins.clear();
    }
}
