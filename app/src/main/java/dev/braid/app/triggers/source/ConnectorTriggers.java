package dev.braid.app.triggers.source;

import java.time.Clock;
import java.util.Collection;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.Connections;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerRuntime;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The runtime of a trigger type that a connector's {@code TriggerSource} serves on its own, with settings
 * read generically ({@link TriggerSettings.Source}: mqtt, amqp): it runs the source for every enabled
 * recipe of the type through {@link SourceTriggers}, with a context backed by {@link Ingestion}, and hands
 * it the connection the trigger names, checked to belong to the connector that ships the source. Unlike
 * {@code KafkaTriggers} it knows nothing of the type: a new connector trigger type needs its constant in
 * {@link Trigger.Type} and one bean in {@link Beans}.
 */
public final class ConnectorTriggers implements TriggerRuntime {

    private static final Logger log = LoggerFactory.getLogger(ConnectorTriggers.class);

    private final Trigger.Type type;
    private final Connections connections;
    private final ConnectorRegistry.Shipped shipped;
    private final SourceTriggers sources;

    ConnectorTriggers(Trigger.Type type, ConnectorRegistry connectors, Connections connections, Ingestion ingestion,
                      Expressions expressions, Clock clock, BraidProperties properties) {
        this.type = type;
        this.connections = connections;
        Optional<ConnectorRegistry.Shipped> found = connectors.triggerSource(type.wire());
        this.shipped = found.orElse(null);
        if (shipped == null) {
            log.info("No connector on the class path consumes {} triggers; recipes with one stay idle", type.wire());
            this.sources = null;
            return;
        }
        IngestingContext.Timing timing = new IngestingContext.Timing(properties.triggers().pollTimeout(),
                properties.triggers().retryDelay());
        this.sources = new SourceTriggers(shipped.source(), recipe -> new IngestingContext(recipe,
                connection((TriggerSettings.Source) recipe.recipe().trigger().settings()), ingestion, expressions, timing,
                clock, shipped.source().getClass()));
    }

    @Override
    public Trigger.Type type() {
        return type;
    }

    @Override
    public void reconcile(Collection<RecipeCatalog.Current> wanted) {
        if (sources != null) {
            sources.reconcile(wanted);
        }
    }

    @Override
    public void stopAll() {
        if (sources != null) {
            sources.stopAll();
        }
    }

    /** The connection's settings, secrets opened; throws (the source is tried again next refresh) when unusable. */
    private JsonNode connection(TriggerSettings.Source trigger) {
        String name = trigger.connection();
        String connector = shipped.connector().name();
        Connections.Resolved connection = connections.resolve(name).orElseThrow(() -> new IllegalStateException(
                "The trigger's connection '" + name + "' does not exist; create a " + connector + " connection"));
        if (!connector.equals(connection.connector())) {
            throw new IllegalStateException("The trigger's connection '" + name + "' is a '" + connection.connector()
                    + "' connection; a " + type.wire() + " trigger needs a " + connector + " connection");
        }
        return connection.settings();
    }

    /** One runtime per connector trigger type. */
    @Configuration(proxyBeanMethods = false)
    public static class Beans {

        @Bean
        TriggerRuntime mqttTriggers(ConnectorRegistry connectors, Connections connections, Ingestion ingestion,
                                    Expressions expressions, Clock clock, BraidProperties properties) {
            return new ConnectorTriggers(Trigger.Type.MQTT, connectors, connections, ingestion, expressions, clock, properties);
        }

        @Bean
        TriggerRuntime amqpTriggers(ConnectorRegistry connectors, Connections connections, Ingestion ingestion,
                                    Expressions expressions, Clock clock, BraidProperties properties) {
            return new ConnectorTriggers(Trigger.Type.AMQP, connectors, connections, ingestion, expressions, clock, properties);
        }
    }
}
