package dev.braid.app.api;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/v1/connectors}: the catalogue — connectors, their actions, JSON Schemas and an example step per action. */
@RestController
public class ConnectorsController {

    private final ConnectorRegistry connectors;

    public ConnectorsController(ConnectorRegistry connectors) {
        this.connectors = connectors;
    }

    @GetMapping("/api/v1/connectors")
    public ObjectNode catalogue() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ArrayNode items = nodes.arrayNode();
        for (Connector c : connectors.connectors()) {
            ObjectNode connector = items.addObject();
            connector.put("name", c.name());
            connector.put("description", c.description());
            connector.set("connectionSchema", c.connectionSchema());
            ArrayNode actions = connector.putArray("actions");
            for (Map.Entry<String, Action> a : c.actions().entrySet()) {
                ObjectNode action = actions.addObject();
                action.put("name", c.name() + "." + a.getKey());
                action.put("description", a.getValue().description());
                action.put("pure", a.getValue().pure());
                action.set("inputSchema", a.getValue().inputSchema());
                if (a.getValue().example() != null) {
                    ObjectNode example = action.putObject("example");
                    example.put("action", c.name() + "." + a.getKey());
                    example.set("with", a.getValue().example());
                }
            }
        }
        ObjectNode out = nodes.objectNode();
        out.set("items", items);
        return out;
    }
}
