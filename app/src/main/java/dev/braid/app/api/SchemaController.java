package dev.braid.app.api;

import java.time.Duration;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.engine.parse.RecipeSchema;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/schema/recipe.json} (issue 17): the JSON Schema of the recipe format with every installed
 * action's {@code with} schema, for the studio's editor and for VS Code's YAML extension
 * ({@code # yaml-language-server: $schema=http://localhost:8080/api/v1/schema/recipe.json}). Open without
 * credentials: it describes a file format, nothing stored. Built once: the connectors are fixed at start.
 */
@RestController
public class SchemaController {

    private final ObjectNode schema;

    public SchemaController(ConnectorRegistry connectors) {
        this.schema = RecipeSchema.of(connectors);
    }

    @GetMapping(path = "/api/v1/schema/recipe.json", produces = {"application/schema+json", "application/json"})
    public ResponseEntity<ObjectNode> recipe() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic()).body(schema);
    }
}
