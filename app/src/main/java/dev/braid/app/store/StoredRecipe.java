package dev.braid.app.store;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/** A recipe row with one of its versions (the current one unless asked otherwise). */
public record StoredRecipe(
        String slug,
        String name,
        boolean enabled,
        String triggerType,
        int version,
        int currentVersion,
        JsonNode definition,
        String source,
        String sourceFormat,
        Instant createdAt,
        Instant updatedAt) {}
