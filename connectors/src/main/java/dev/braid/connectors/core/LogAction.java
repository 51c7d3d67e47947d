package dev.braid.connectors.core;

import java.util.Locale;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.RunLog;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code core.log {message, level}}: one line in the run log. The output {@code {message, level}}
 * holds the text that was written, so run history shows exactly what the log got.
 */
public final class LogAction implements Action {

    private static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "message": {
                  "description": "What to write. A string is written as is; any other JSON value as its JSON text."
                },
                "level": {
                  "type": "string",
                  "enum": ["debug", "info", "warn", "error"],
                  "default": "info",
                  "description": "Severity of the log line."
                }
              },
              "required": ["message"],
              "additionalProperties": false
            }
            """);

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public boolean pure() {
        return true;
    }

    @Override
    public JsonNode example() {
        return tools.jackson.databind.json.JsonMapper.shared().readTree("{\"message\": \"Order {{ trigger.body.id }} received\", \"level\": \"info\"}");
    }

    @Override
    public String description() {
        return "Writes a message to the run log at the given level (debug, info, warn, error; default info).";
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        String level = with.path("level").asString("info");
        String message = text(with.get("message"));
        ctx.log().log(RunLog.Level.valueOf(level.toUpperCase(Locale.ROOT)), message);
        return ActionResult.of(JsonNodeFactory.instance.objectNode()
                .put("message", message)
                .put("level", level));
    }

    // Templates such as "{{ trigger.body }}" evaluate to objects; logging their JSON beats refusing them.
    private static String text(JsonNode message) {
        return message.isString() ? message.stringValue() : JsonMapper.shared().writeValueAsString(message);
    }
}
