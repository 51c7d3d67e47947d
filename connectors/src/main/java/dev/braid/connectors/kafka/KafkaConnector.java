package dev.braid.connectors.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code kafka.publish} and {@code kafka.publishAll}, and the {@code kafka:} trigger ({@link KafkaTriggerSource}). One idempotent producer per distinct connection
 * (opened on first use, closed by {@link #close()}): producers are thread-safe and batch records from
 * all steps that share them, and the idempotent producer keeps a retried send inside the client from
 * writing a record twice. A retried step sends again; its records carry the step's idempotency key
 * as the {@code Idempotency-Key} header so that consumers can drop the repeat.
 */
public final class KafkaConnector implements Connector, AutoCloseable {

    public static final String DEFAULT_CONNECTION = "braid-kafka";

    private final Map<Map<String, String>, Producer<String, byte[]>> producers = new ConcurrentHashMap<>();
    private final Map<String, Action> actions;
    private final Map<String, TriggerSource> triggers = Map.of("kafka", new KafkaTriggerSource());

    public KafkaConnector() {
        actions = Map.of("publish", new KafkaPublishAction(this), "publishAll", new KafkaPublishAllAction(this));
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    /** The {@code kafka:} trigger: consuming a topic in the recipe's consumer group. */
    @Override
    public Map<String, TriggerSource> triggers() {
        return triggers;
    }

    @Override
    public JsonNode connectionSchema() {
        return KafkaSettings.SCHEMA.node();
    }

    /** Braid's own Kafka, which the app keeps as a connection of this name. */
    @Override
    public String defaultConnection() {
        return DEFAULT_CONNECTION;
    }

    @Override
    public String description() {
        return "Publish JSON records to Kafka topics, one or many per step, with an idempotent producer; "
                + "start runs from a topic (trigger kafka:).";
    }

    /** Describes the cluster with the connection's client settings: its id and how many brokers answer. */
    @Override
    public Optional<String> testConnection(ActionContext context) throws ActionException {
        KafkaSettings settings = KafkaSettings.from(context.connection());
        Map<String, Object> properties = new HashMap<>(settings.clientProperties());
        int timeout = (int) Math.max(1_000, context.remaining().toMillis());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        try (Admin admin = Admin.create(properties)) {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout));
            String id = cluster.clusterId().get(timeout, TimeUnit.MILLISECONDS);
            int brokers = cluster.nodes().get(timeout, TimeUnit.MILLISECONDS).size();
            return Optional.of("cluster " + id + " answered at " + settings.bootstrapServers() + " with " + brokers
                    + " broker" + (brokers == 1 ? "" : "s"));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw ActionException.fatal("kafka.connection", "describing the cluster at " + settings.bootstrapServers()
                    + " failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActionException.fatal("kafka.connection", "interrupted while describing the cluster");
        } catch (RuntimeException e) {
            throw ActionException.fatal("kafka.connection", "cannot open a Kafka client for " + settings.bootstrapServers()
                    + ": " + e.getMessage());
        }
    }

    Producer<String, byte[]> producer(KafkaSettings settings) throws ActionException {
        try {
            return producers.computeIfAbsent(settings.clientProperties(), KafkaConnector::open);
        } catch (RuntimeException e) {
            throw ActionException.fatal(KafkaFailure.FATAL, "cannot create a Kafka producer for "
                    + settings.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    private static Producer<String, byte[]> open(Map<String, String> client) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // A step waits for its records at most until its deadline; the client must not wait much longer
        // for metadata of an unreachable cluster, or a worker thread would be held past it.
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "braid-producer");
        return new KafkaProducer<>(config);
    }

    /** How many producers are open (for tests). */
    int openProducers() {
        return producers.size();
    }

    @Override
    public void close() {
        List<Producer<String, byte[]>> open = new ArrayList<>(producers.values());
        producers.clear();
        open.forEach(Producer::close);
    }
}
