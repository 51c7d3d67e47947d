package dev.braid.app.triggers.kafka;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.Connections;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.kafka.BraidKafka;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerRuntime;
import dev.braid.app.triggers.source.IngestingContext;
import dev.braid.app.triggers.source.SourceTriggers;
import dev.braid.connectors.kafka.TopicConsumer;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ConnectorRegistry;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The runtime glue of the {@code kafka:} trigger (ARCHITECTURE §3): the consuming itself is the kafka
 * connector's {@link TriggerSource} ({@code dev.braid.connectors.kafka.KafkaTriggerSource}); this
 * runs it for every enabled recipe with a kafka trigger through {@link SourceTriggers}, backs its
 * context with {@link Ingestion} and picks the cluster: Braid's own Kafka, or the {@code kafka}
 * connection the trigger names. The {@link dev.braid.app.triggers.TriggerReconciler} calls in, from one thread.
 */
@Component
public class KafkaTriggers implements TriggerRuntime {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KafkaTriggers.class);

    private final BraidKafka braidKafka;
    private final Connections connections;
    private final SourceTriggers sources;
    /** Whether the warning that own-Kafka recipes are not consumed here has been logged (once per start). */
    private volatile boolean offTold;

    public KafkaTriggers(ConnectorRegistry connectors, BraidKafka braidKafka, Connections connections, Ingestion ingestion,
                         Expressions expressions, Clock clock, BraidProperties properties) {
        this.braidKafka = braidKafka;
        this.connections = connections;
        TriggerSource source = connectors.triggerSource("kafka").map(ConnectorRegistry.Shipped::source)
                .orElseThrow(() -> new IllegalStateException("No connector on the class path consumes kafka triggers; "
                        + "the kafka connector (braid-connectors) ships it"));
        IngestingContext.Timing timing = new IngestingContext.Timing(properties.kafka().pollTimeout(),
                properties.kafka().retryDelay());
        this.sources = new SourceTriggers(source, recipe -> new IngestingContext(recipe,
                connection((TriggerSettings.Kafka) recipe.recipe().trigger().settings()), ingestion, expressions, timing,
                clock, source.getClass()));
    }

    @Override
    public Trigger.Type type() {
        return Trigger.Type.KAFKA;
    }

    @Override
    public void reconcile(Collection<RecipeCatalog.Current> wanted) {
        boolean ownKafka = wanted.stream().anyMatch(KafkaTriggers::onBraidKafka);
        if (ownKafka && !braidKafka.on()) {
            // Kafka features are off on this node (said at start and in the health check): nothing to consume from.
            if (!offTold) {
                log.warn("Recipes with a kafka trigger on Braid's own Kafka are not consumed on this node: {}", braidKafka.off());
                offTold = true;
            }
            wanted = wanted.stream().filter(c -> !onBraidKafka(c)).toList();
        } else if (ownKafka && !braidKafka.started()) {
            // Braid's own embedded Kafka is starting (asking started it): its recipes join a later pass, rather
            // than hold the reconciler (and every other trigger type) while the broker starts.
            wanted = wanted.stream().filter(c -> !onBraidKafka(c)).toList();
        }
        sources.reconcile(wanted);
    }

    private static boolean onBraidKafka(RecipeCatalog.Current recipe) {
        return recipe.recipe().trigger().settings() instanceof TriggerSettings.Kafka kafka && kafka.connection() == null;
    }

    @Override
    public void stopAll() {
        sources.stopAll();
    }

    /** The kafka connection's settings the trigger's consumer uses (for {@link KafkaLag}'s admin client). */
    JsonNode connectionOf(TriggerSettings.Kafka trigger) {
        if (trigger.connection() == null && !braidKafka.started()) {
            throw new IllegalStateException("Braid's own Kafka is still starting");
        }
        return connection(trigger);
    }

    /** The kafka connection's settings the consumer reads: Braid's own Kafka when the trigger names none. */
    private JsonNode connection(TriggerSettings.Kafka trigger) {
        if (trigger.connection() == null) {
            return JsonNodeFactory.instance.objectNode().put("bootstrapServers", braidKafka.requireBootstrapServers());
        }
        String name = trigger.connection();
        Connections.Resolved connection = connections.resolve(name).orElseThrow(() -> new IllegalStateException(
                "The trigger's connection '" + name + "' does not exist; create a kafka connection with bootstrapServers"));
        if (!"kafka".equals(connection.connector())) {
            throw new IllegalStateException("The trigger's connection '" + name + "' is a '" + connection.connector()
                    + "' connection; a Kafka trigger needs a kafka connection");
        }
        return connection.settings();
    }

    /** The recipe version each running consumer starts runs of. */
    public Map<String, Integer> versions() {
        Map<String, Integer> out = new HashMap<>();
        sources.started().forEach((slug, s) -> out.put(slug, s.version()));
        return out;
    }

    /** The partitions each recipe's consumer holds right now (empty until the group has assigned them). */
    public Map<String, Set<TopicPartition>> assignments() {
        Map<String, Set<TopicPartition>> out = new HashMap<>();
        sources.started().forEach((slug, s) -> {
            if (s.running() instanceof TopicConsumer consumer) {
                out.put(slug, consumer.assignment());
            }
        });
        return out;
    }
}
