package dev.braid.engine.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The connectors on the class path, found through {@link ServiceLoader}, and their actions by full name.
 * Closing it closes the connectors that hold resources (connection pools, Kafka producers).
 */
public final class ConnectorRegistry implements AutoCloseable {

    private final Map<String, Connector> connectors;

    public ConnectorRegistry(Collection<Connector> connectors) {
        Map<String, Connector> byName = new LinkedHashMap<>();
        for (Connector c : connectors) {
            Connector previous = byName.putIfAbsent(c.name(), c);
            if (previous != null) {
                throw new IllegalStateException("Two connectors are named '" + c.name() + "': "
                        + previous.getClass().getName() + " and " + c.getClass().getName());
            }
        }
        this.connectors = Collections.unmodifiableMap(byName);
    }

    public static ConnectorRegistry load(ClassLoader classLoader) {
        return new ConnectorRegistry(ServiceLoader.load(Connector.class, classLoader).stream()
                .map(ServiceLoader.Provider::get).toList());
    }

    public static ConnectorRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public Collection<Connector> connectors() {
        return connectors.values();
    }

    public Optional<Connector> connector(String name) {
        return Optional.ofNullable(connectors.get(name));
    }

    /** An action by its full name, {@code http.request}. */
    public Optional<Action> action(String fullName) {
        int dot = fullName.indexOf('.');
        return connectorOf(fullName).map(c -> c.actions().get(fullName.substring(dot + 1)));
    }

    /**
     * The trigger source of a trigger type ({@code kafka}) and the connector that ships it; empty when no
     * connector on the class path consumes that type.
     */
    public Optional<Shipped> triggerSource(String type) {
        for (Connector c : connectors.values()) {
            TriggerSource source = c.triggers().get(type);
            if (source != null) {
                return Optional.of(new Shipped(c, source));
            }
        }
        return Optional.empty();
    }

    /** A trigger source with the connector it came from (whose connection schema and default it uses). */
    public record Shipped(Connector connector, TriggerSource source) {}

    /** The connector an action's full name belongs to: {@code http} for {@code http.request}. */
    public Optional<Connector> connectorOf(String actionFullName) {
        int dot = actionFullName.indexOf('.');
        return dot <= 0 ? Optional.empty() : connector(actionFullName.substring(0, dot));
    }

    /** Closes every {@link AutoCloseable} connector; one that fails to close does not keep the others open. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Connector c : connectors.values()) {
            if (c instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = new IllegalStateException("Closing connector '" + c.name() + "' failed: " + e.getMessage(), e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
