package dev.braid.app.triggers.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.Connections;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.kafka.BraidKafka;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerRuntime;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kafka trigger runtime (DESIGN §3): one {@link RecipeConsumer} per enabled recipe with a
 * {@code kafka:} trigger, in the consumer group {@code braid.<slug>} — so several nodes share a
 * topic's partitions. A new version restarts the consumer (the old one flushes and commits first);
 * a disabled or deleted recipe's consumer stops. The {@link dev.braid.app.triggers.TriggerReconciler}
 * calls in, from one thread.
 */
@Component
public class KafkaTriggers implements TriggerRuntime {

    private static final Logger log = LoggerFactory.getLogger(KafkaTriggers.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final BraidKafka braidKafka;
    private final Connections connections;
    private final RecipeConsumer.Context context;
    private final Map<String, RecipeConsumer> consumers = new ConcurrentHashMap<>();
    /** Recipe versions whose consumer could not be built, so the refresh does not log the same problem every pass. */
    private final Set<String> reported = new HashSet<>();

    public KafkaTriggers(BraidKafka braidKafka, Connections connections, Ingestion ingestion, Expressions expressions,
                         JsonMapper json, BraidProperties properties) {
        this.braidKafka = braidKafka;
        this.connections = connections;
        this.context = new RecipeConsumer.Context(ingestion, expressions, json,
                properties.kafka().pollTimeout(), properties.kafka().retryDelay());
    }

    @Override
    public Trigger.Type type() {
        return Trigger.Type.KAFKA;
    }

    @Override
    public void reconcile(Collection<RecipeCatalog.Current> wanted) {
        Map<String, RecipeCatalog.Current> bySlug = new HashMap<>();
        wanted.forEach(c -> bySlug.put(c.slug(), c));
        for (Map.Entry<String, RecipeConsumer> running : Map.copyOf(consumers).entrySet()) {
            RecipeCatalog.Current want = bySlug.get(running.getKey());
            if (want == null || want.version() != running.getValue().version()) {
                running.getValue().stop(STOP_TIMEOUT);
                consumers.remove(running.getKey());
                log.info("Kafka trigger of recipe '{}' v{} stopped", running.getKey(), running.getValue().version());
            }
        }
        for (RecipeCatalog.Current recipe : bySlug.values()) {
            if (!consumers.containsKey(recipe.slug())) {
                start(recipe);
            }
        }
    }

    private void start(RecipeCatalog.Current recipe) {
        TriggerSettings.Kafka settings = (TriggerSettings.Kafka) recipe.recipe().trigger().settings();
        String attempt = recipe.slug() + "@" + recipe.version();
        try {
            RecipeConsumer consumer = new RecipeConsumer(recipe, settings,
                    KafkaClientSettings.consumer(recipe.slug(), settings, braidKafka, connections), context);
            consumer.start();
            consumers.put(recipe.slug(), consumer);
            reported.remove(attempt);
            log.info("Kafka trigger of recipe '{}' v{} consumes topic {}{}", recipe.slug(), recipe.version(), settings.topic(),
                    settings.batch() == null ? "" : " in batches");
        } catch (RuntimeException e) {
            if (reported.add(attempt)) {
                log.warn("The Kafka trigger of recipe '{}' cannot start (tried again every refresh): {}", recipe.slug(), e.getMessage());
            }
        }
    }

    @Override
    public void stopAll() {
        consumers.values().parallelStream().forEach(c -> c.stop(STOP_TIMEOUT));
        consumers.clear();
    }

    /** The recipe version each running consumer starts runs of. */
    public Map<String, Integer> versions() {
        Map<String, Integer> out = new HashMap<>();
        consumers.forEach((slug, c) -> out.put(slug, c.version()));
        return out;
    }

    /** The partitions each recipe's consumer holds right now (empty until the group has assigned them). */
    public Map<String, Set<TopicPartition>> assignments() {
        Map<String, Set<TopicPartition>> out = new HashMap<>();
        consumers.forEach((slug, c) -> out.put(slug, c.assignment()));
        return out;
    }
}
