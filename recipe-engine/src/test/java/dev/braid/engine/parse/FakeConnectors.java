package dev.braid.engine.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A registry with the action names the parser tests use ({@code core.log}, {@code core.transform},
 * {@code http.request}); the actions do nothing, the parser only asks whether they exist.
 */
public final class FakeConnectors {

    private FakeConnectors() {}

    public static ConnectorRegistry registry() {
        return new ConnectorRegistry(List.of(connector("core", "log", "transform"), connector("http", "request")));
    }

    private static Connector connector(String name, String... actionNames) {
        Map<String, Action> actions = new LinkedHashMap<>();
        for (String action : actionNames) {
            actions.put(action, new NoAction());
        }
        return new Connector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Action> actions() {
                return actions;
            }
        };
    }

    private static final class NoAction implements Action {
        @Override
        public JsonNode inputSchema() {
            return JsonNodeFactory.instance.objectNode();
        }

        @Override
        public ActionResult execute(ActionContext ctx, JsonNode input) {
            return ActionResult.of(JsonNodeFactory.instance.objectNode());
        }
    }
}
