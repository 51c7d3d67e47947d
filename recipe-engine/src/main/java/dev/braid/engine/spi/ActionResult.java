package dev.braid.engine.spi;

import java.util.Objects;

import tools.jackson.databind.JsonNode;

/** What an action answers: the step's output, visible to later steps as {@code steps.<id>.output}. */
public record ActionResult(JsonNode output) {

    public ActionResult {
        Objects.requireNonNull(output, "output");
    }

    public static ActionResult of(JsonNode output) {
        return new ActionResult(output);
    }
}
