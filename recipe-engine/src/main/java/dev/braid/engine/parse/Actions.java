package dev.braid.engine.parse;

import java.util.ArrayList;
import java.util.List;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;

/** The action names a recipe may use ({@code http.request}), taken once from the connector registry. */
final class Actions {

    private final ConnectorRegistry registry;
    private final List<String> known;

    Actions(ConnectorRegistry registry) {
        this.registry = registry;
        List<String> names = new ArrayList<>();
        for (Connector c : registry.connectors()) {
            for (String action : c.actions().keySet()) {
                names.add(c.name() + "." + action);
            }
        }
        names.sort(null);
        this.known = List.copyOf(names);
    }

    List<String> known() {
        return known;
    }

    /** Answers an error sentence for an unknown action, or null when the registry has it. */
    String problem(String name) {
        if (registry.action(name).isPresent()) {
            return null;
        }
        String list = known.isEmpty() ? "none are installed" : String.join(", ", known);
        return "Unknown action '" + name + "'; known actions: " + list + Closest.didYouMean(name, known);
    }

    /** The JSON Schema of a known action's input. */
    JsonNode inputSchema(String name) {
        return registry.action(name).map(Action::inputSchema).orElseThrow();
    }

    /** A known action. */
    Action action(String name) {
        return registry.action(name).orElseThrow();
    }

    /** The connector that consumes a trigger type ({@code mqtt}) with its source, or empty when none is installed. */
    java.util.Optional<ConnectorRegistry.Shipped> triggerSource(String type) {
        return registry.triggerSource(type);
    }

    void check(String name, String path, Problems problems) {
        String problem = problem(name);
        if (problem != null) {
            problems.atValue(path, problem);
        }
    }
}
