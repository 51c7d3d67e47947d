package dev.braid.app.triggers.poll;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.Connections;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a poll's new rows through the connector SPI, so polling uses the same drivers, pools,
 * timeouts and egress rules as steps: a {@code query} is the {@code sql.query} action with the cursor
 * bound to {@code :cursor}; an {@code action} gets its {@code with} rendered over
 * {@code {cursor}}. Rows are the output's {@code rows}, else its {@code body} when that is an array,
 * else {@code body.items}.
 */
@Component
class PollSource {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConnectorRegistry connectors;
    private final Connections connections;
    private final Expressions expressions;
    private final Clock clock;
    private final Duration timeout;

    PollSource(ConnectorRegistry connectors, Connections connections, Expressions expressions, Clock clock,
               BraidProperties properties) {
        this.connectors = connectors;
        this.connections = connections;
        this.expressions = expressions;
        this.clock = clock;
        this.timeout = properties.poll().timeout();
    }

    List<JsonNode> read(String slug, PollSettings settings, JsonNode cursor) throws ActionException {
        String actionName = settings.query() != null ? "sql.query" : settings.action();
        Action action = connectors.action(actionName)
                .orElseThrow(() -> ActionException.fatal("poll.action", "Unknown action '" + actionName + "'"));
        JsonNode input;
        if (settings.query() != null) {
            ObjectNode with = NODES.objectNode();
            with.put("sql", settings.query());
            if (settings.query().contains(":cursor")) {
                with.set("params", NODES.objectNode().set("cursor", cursor));
            }
            input = with;
        } else {
            ObjectNode context = NODES.objectNode();
            context.set("cursor", cursor);
            input = settings.with() == null ? NODES.objectNode() : expressions.render(settings.with(), context);
        }
        JsonNode connection = NODES.objectNode();
        if (settings.connection() != null) {
            connection = connections.resolve(settings.connection())
                    .orElseThrow(() -> ActionException.fatal("poll.connection", "Connection '" + settings.connection()
                            + "' does not exist"))
                    .settings();
        }
        JsonNode output = action.execute(PollActionContext.of(slug, connection, clock.instant().plus(timeout), clock), input)
                .output();
        return rows(output, actionName);
    }

    private static List<JsonNode> rows(JsonNode output, String action) throws ActionException {
        JsonNode rows = output.path("rows");
        if (!rows.isArray()) {
            rows = output.path("body");
        }
        if (!rows.isArray()) {
            rows = output.path("body").path("items");
        }
        if (!rows.isArray()) {
            throw ActionException.fatal("poll.output", "The output of " + action
                    + " has no rows: a poll reads an array from 'rows', 'body' or 'body.items'");
        }
        List<JsonNode> list = new ArrayList<>(rows.size());
        rows.forEach(list::add);
        return list;
    }
}
