package dev.braid.webui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.braid.engine.parse.RecipeSchema;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * Writes what the server would answer at {@code GET /api/v1/schema/recipe.json} to
 * {@code target/studio-edits/recipe.schema.json}, from the engine and the connectors on the test class path.
 * Maven runs it before Vitest, so the studio's completion tests walk the real schema of this build rather
 * than a hand-written copy that could drift.
 */
public final class StudioFixtures {

    private StudioFixtures() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/studio-edits");
        Files.createDirectories(out);
        try (ConnectorRegistry registry = ConnectorRegistry.load()) {
            Files.writeString(out.resolve("recipe.schema.json"), RecipeSchema.of(registry).toPrettyString());
        }
    }
}
