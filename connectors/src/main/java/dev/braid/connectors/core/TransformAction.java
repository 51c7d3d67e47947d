package dev.braid.connectors.core;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code core.transform {value}} → {@code {value}}. The engine has already evaluated the expressions
 * inside {@code value}; this step only gives the result a name later steps can refer to
 * ({@code steps.<id>.output.value}).
 */
public final class TransformAction implements Action {

    private static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "value": {
                  "description": "Any JSON value, usually built with expressions; null when an expression matched nothing."
                }
              },
              "required": ["value"],
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
        return tools.jackson.databind.json.JsonMapper.shared().readTree("{\"value\": {\"id\": \"{{ trigger.body.id }}\", \"total\": \"{{ $sum(trigger.body.items.(qty * price)) }}\"}}");
    }

    @Override
    public String description() {
        return "Returns its value unchanged as {value}: names the result of a mapping for later steps.";
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        // A copy, so a later step that mutates its input cannot change this step's recorded output.
        return ActionResult.of(JsonNodeFactory.instance.objectNode().set("value", with.get("value").deepCopy()));
    }
}
