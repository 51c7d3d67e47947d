package dev.braid.app.triggers.poll;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.Connections;
import dev.braid.app.secrets.Masker;
import dev.braid.app.triggers.TriggerTemplates;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.AfterPollCommit;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a poll's new rows through the connector SPI, so polling uses the same drivers, pools,
 * timeouts and egress rules as steps: a {@code query} is the {@code sql.query} action with the cursor
 * bound to {@code :cursor}; an {@code action} gets its {@code with}. Templates in both are rendered by
 * {@link TriggerTemplates} over {@code {cursor, secrets}}, and the secret values are masked in what
 * the read logs or fails with. Rows are the output's {@code rows}, else its {@code items} (a listing such as
 * {@code s3.list}'s), else its {@code body} when that is an array, else {@code body.items}. An action that marks
 * what it read ({@link AfterPollCommit}, e.g. {@code sftp.newFiles} moving files to a done folder) is called again
 * with the rows once the poll committed.
 */
@Component
class PollSource {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConnectorRegistry connectors;
    private final Connections connections;
    private final TriggerTemplates templates;
    private final Clock clock;
    private final Duration timeout;

    PollSource(ConnectorRegistry connectors, Connections connections, TriggerTemplates templates, Clock clock,
               BraidProperties properties) {
        this.connectors = connectors;
        this.connections = connections;
        this.templates = templates;
        this.clock = clock;
        this.timeout = properties.poll().timeout();
    }

    /**
     * A poll's rows and, when its action marks rows as taken ({@link AfterPollCommit}), what to call once they are
     * committed: the same action, context and rendered input as the read.
     */
    record Read(List<JsonNode> rows, Acknowledgement acknowledgement) {}

    /** Marks the committed rows of a read as taken; {@link #NONE} for actions that keep no such mark. */
    @FunctionalInterface
    interface Acknowledgement {
        Acknowledgement NONE = rows -> { };

        void afterCommit(List<JsonNode> rows) throws ActionException;
    }

    Read read(String slug, TriggerSettings.Poll settings, JsonNode cursor) throws ActionException {
        String actionName = settings.query() != null ? "sql.query" : settings.action();
        Action action = connectors.action(actionName)
                .orElseThrow(() -> ActionException.fatal("poll.action", "Unknown action '" + actionName + "'"));
        JsonNode input;
        TriggerTemplates.Rendered rendered;
        if (settings.query() != null) {
            rendered = render(slug, "trigger.poll.query", NODES.stringNode(settings.query()), cursor);
            String sql = rendered.value().asString();
            ObjectNode with = NODES.objectNode();
            with.put("sql", sql);
            if (sql.contains(":cursor")) {
                with.set("params", NODES.objectNode().set("cursor", cursor));
            }
            input = with;
        } else {
            rendered = render(slug, "trigger.poll.with", settings.with() == null ? NODES.objectNode() : settings.with(), cursor);
            input = rendered.value();
        }
        Masker masker = rendered.masker();
        JsonNode connection = NODES.objectNode();
        if (settings.connection() != null) {
            Connections.Resolved resolved = connections.resolve(settings.connection())
                    .orElseThrow(() -> ActionException.fatal("poll.connection", "Connection '" + settings.connection()
                            + "' does not exist"));
            masker.addAll(resolved.secrets());
            connection = resolved.settings();
        }
        JsonNode output;
        try {
            output = action.execute(PollActionContext.of(slug, connection, clock.instant().plus(timeout), clock, masker), input)
                    .output();
        } catch (ActionException e) {
            throw masked(e, masker);
        }
        List<JsonNode> rows = rows(output, actionName);
        if (!(action instanceof AfterPollCommit marking)) {
            return new Read(rows, Acknowledgement.NONE);
        }
        JsonNode settingsUsed = connection;
        JsonNode renderedInput = input;
        return new Read(rows, committed -> {
            try {
                marking.afterCommit(PollActionContext.of(slug, settingsUsed, clock.instant().plus(timeout), clock, masker),
                        renderedInput, committed);
            } catch (ActionException e) {
                throw masked(e, masker);
            }
        });
    }

    /** The failure is logged by the poll loop: without the secret values the read was made with. */
    private static ActionException masked(ActionException e, Masker masker) {
        String message = masker.mask(e.getMessage());
        if (message == null || message.equals(e.getMessage())) {
            return e;
        }
        if (!e.retryable()) {
            return ActionException.fatal(e.type(), message);
        }
        return e.retryAfter().map(after -> ActionException.retryable(e.type(), message, after))
                .orElseGet(() -> ActionException.retryable(e.type(), message));
    }

    private TriggerTemplates.Rendered render(String slug, String setting, JsonNode value, JsonNode cursor) throws ActionException {
        try {
            return templates.render(slug, setting, value, Map.of("cursor", cursor));
        } catch (TriggerTemplates.MissingSecret e) {
            throw ActionException.fatal("poll.secret", e.getMessage());
        } catch (ExpressionException e) {
            throw ActionException.fatal("poll.template", "An expression in " + setting + " failed: " + e.getMessage());
        }
    }

    private static List<JsonNode> rows(JsonNode output, String action) throws ActionException {
        JsonNode rows = output.path("rows");
        if (!rows.isArray()) {
            rows = output.path("items");
        }
        if (!rows.isArray()) {
            rows = output.path("body");
        }
        if (!rows.isArray()) {
            rows = output.path("body").path("items");
        }
        if (!rows.isArray()) {
            throw ActionException.fatal("poll.output", "The output of " + action
                    + " has no rows: a poll reads an array from 'rows', 'items', 'body' or 'body.items'");
        }
        List<JsonNode> list = new ArrayList<>(rows.size());
        rows.forEach(list::add);
        return list;
    }
}
