package dev.braid.connectors.core;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.model.Durations;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code core.delay {duration}}: waits durably (ARCHITECTURE §5). No thread sleeps: the first call asks the
 * engine to park the run until {@code now + duration}; the run waits in the queue (it survives
 * restarts, and the node that wakes it may be another one), and the next call, with the state it
 * left, finishes the step with {@code {until, waited}}. A wake-up before the time asks to wait again
 * until the same instant.
 *
 * <p>Not pure although it touches nothing outside the run: its wait must be checkpointed durably, or
 * a restart would start the delay over.
 */
public final class DelayAction implements Action {

    /** Longer waits belong to a schedule trigger, not to a run held open for weeks. */
    static final Duration LONGEST = Duration.ofDays(30);

    private static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "duration": {
                  "type": "string",
                  "description": "How long to wait, e.g. 3s, 5m, 1h30m or PT10S; at most 30 days."
                }
              },
              "required": ["duration"],
              "additionalProperties": false
            }
            """);

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("{\"duration\": \"10m\"}");
    }

    @Override
    public String description() {
        return "Waits for a duration (at most 30 days) without holding a worker: the run waits in the queue and "
                + "survives restarts.";
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        Duration duration = duration(with.get("duration").asString());
        Instant now = ctx.clock().instant();
        Instant until = ctx.resumedState().flatMap(DelayAction::until).orElse(now.plus(duration));
        ObjectNode state = JsonNodeFactory.instance.objectNode();
        state.put("until", until.toString());
        if (now.isBefore(until)) {
            return ActionResult.waitUntil(until, state);
        }
        state.put("waited", Durations.format(duration));
        return ActionResult.of(state);
    }

    private static Optional<Instant> until(JsonNode state) {
        try {
            return Optional.of(Instant.parse(state.path("until").asString()));
        } catch (DateTimeParseException e) {
            // A state this action did not write: start the wait over rather than fail the run.
            return Optional.empty();
        }
    }

    private static Duration duration(String text) throws ActionException {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw ActionException.fatal("input.invalid", "with.duration: " + e.getMessage());
        }
        if (d.compareTo(LONGEST) > 0) {
            throw ActionException.fatal("input.invalid", "with.duration: " + text
                    + " is longer than the 30 days a run may wait; use a schedule trigger for longer gaps");
        }
        return d;
    }
}
