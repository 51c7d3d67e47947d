package dev.braid.app.store;

import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * What it takes to enqueue a run. Its concurrency slot is not part of it: {@link RunStore#enqueue}
 * works it out from the recipe version and the trigger ({@link ConcurrencySlots}), so no caller can
 * forget the limit.
 */
public record NewRun(UUID id, String recipe, int recipeVersion, String origin, UUID replayOf, UUID eventId, JsonNode trigger) {}
