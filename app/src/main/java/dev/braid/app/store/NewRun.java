package dev.braid.app.store;

import java.util.UUID;

import tools.jackson.databind.JsonNode;

/** What it takes to enqueue a run. */
public record NewRun(UUID id, String recipe, int recipeVersion, String origin, UUID replayOf, UUID eventId, JsonNode trigger) {}
