package dev.braid.app.api;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import dev.braid.app.store.StoredRecipe;
import dev.braid.engine.graph.RecipeGraph;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.CheckedRecipe;
import dev.braid.engine.parse.ConnectionTypes;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.parse.ValidationError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Recipes and their versions (ARCHITECTURE §4): create, list, read (JSON, or YAML with
 * {@code Accept: application/yaml}), save a new version, delete, enable/disable, version history and
 * restore. Every change drops this node's cached copy of the recipe at once.
 */
@RestController
@RequestMapping("/api/v1/recipes")
public class RecipesController {

    static final MediaType YAML = MediaType.parseMediaType("application/yaml;charset=UTF-8");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RecipeStore store;
    private final RecipeCatalog catalog;
    private final RecipeParser parser;
    /** Saving or testing a recipe checks its connections against those that exist. */
    private final ConnectionTypes connectionTypes;

    public RecipesController(RecipeStore store, RecipeCatalog catalog, RecipeParser parser, ConnectionTypes connectionTypes) {
        this.connectionTypes = connectionTypes;
        this.store = store;
        this.catalog = catalog;
        this.parser = parser;
    }

    @PostMapping(consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"})
    public ResponseEntity<JsonNode> create(@RequestBody byte[] body,
                                           @RequestHeader(HttpHeaders.CONTENT_TYPE) String contentType,
                                           Principal user) {
        Source source = Source.read(body, contentType);
        Recipe recipe = parser.parse(source.text(), source.format(), connectionTypes);
        StoredRecipe saved;
        try {
            saved = store.create(recipe, source.text(), source.format(), name(user));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("A recipe with slug '" + recipe.slug() + "' already exists; "
                    + "PUT /api/v1/recipes/" + recipe.slug() + " saves a new version of it");
        }
        catalog.evict(recipe.slug());
        return ResponseEntity.created(URI.create("/api/v1/recipes/" + saved.slug())).body(RecipeView.of(saved));
    }

    /**
     * Checks a recipe without saving it (issue 17): the problems saving would report — through the same
     * parser call with the same connection check — and the graph of what could be read. 200 whenever the
     * request itself is readable; a body {@code {"yaml": "..."}} carries the YAML text inside JSON.
     */
    @PostMapping(path = "/validate", consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
            "application/json"})
    public ObjectNode validate(@RequestBody byte[] body, @RequestHeader(HttpHeaders.CONTENT_TYPE) String contentType) {
        Source source = Source.read(body, contentType).unwrapped();
        CheckedRecipe checked = parser.check(source.text(), source.format(), connectionTypes);
        ObjectNode out = NODES.objectNode();
        out.put("valid", checked.valid());
        var errors = out.putArray("errors");
        for (ValidationError e : checked.errors()) {
            ObjectNode error = errors.addObject();
            error.put("path", e.path());
            error.put("line", e.line());
            error.put("column", e.column());
            error.put("message", e.message());
        }
        out.set("graph", RecipeGraph.of(checked.recipe(), checked.lines()).toJson());
        return out;
    }

    @GetMapping
    public Paging.Page<ObjectNode> list(@RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String cursor) {
        int n = Paging.limit(limit);
        List<StoredRecipe> rows = store.list(Paging.key(cursor), n + 1);
        return Paging.page(rows, n, RecipeView::of, StoredRecipe::slug);
    }

    @GetMapping("/{slug}")
    public ResponseEntity<?> get(@PathVariable String slug, @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        return answer(existing(slug), accept);
    }

    @PutMapping(path = "/{slug}", consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json"})
    public ObjectNode update(@PathVariable String slug, @RequestBody byte[] body,
                             @RequestHeader(HttpHeaders.CONTENT_TYPE) String contentType, Principal user) {
        Source source = Source.read(body, contentType);
        Recipe recipe = parser.parse(source.text(), source.format(), connectionTypes);
        if (!slug.equals(recipe.slug())) {
            int[] at = slugPosition(source.text());
            String message = "The slug in the body ('" + recipe.slug() + "') differs from the slug in the path ('" + slug
                    + "'); a recipe's slug never changes — create a new recipe for a new slug";
            throw new ApiException(HttpStatus.BAD_REQUEST, message,
                    Map.of("errors", List.of(new ValidationError("slug", at[0], at[1], message))));
        }
        boolean statesEnabled = recipe.definition() != null && recipe.definition().has("enabled");
        StoredRecipe saved = store.update(recipe, source.text(), source.format(), name(user), statesEnabled)
                .orElseThrow(() -> notFound(slug));
        catalog.evict(slug);
        return RecipeView.of(saved);
    }

    @DeleteMapping("/{slug}")
    public ResponseEntity<Void> delete(@PathVariable String slug) {
        if (!store.delete(slug)) {
            throw notFound(slug);
        }
        catalog.evict(slug);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{slug}/enable")
    public ObjectNode enable(@PathVariable String slug) {
        return switchTo(slug, true);
    }

    @PostMapping("/{slug}/disable")
    public ObjectNode disable(@PathVariable String slug) {
        return switchTo(slug, false);
    }

    private ObjectNode switchTo(String slug, boolean enabled) {
        if (!store.setEnabled(slug, enabled)) {
            throw notFound(slug);
        }
        catalog.evict(slug);
        return RecipeView.of(existing(slug));
    }

    @GetMapping("/{slug}/versions")
    public ObjectNode versions(@PathVariable String slug) {
        existing(slug);
        ObjectNode out = NODES.objectNode();
        var items = out.putArray("items");
        for (RecipeStore.VersionInfo v : store.versions(slug)) {
            ObjectNode item = items.addObject();
            item.put("version", v.version());
            item.put("createdAt", RunView.text(v.createdAt()));
            item.put("createdBy", v.createdBy());
        }
        return out;
    }

    @GetMapping("/{slug}/versions/{version}")
    public ResponseEntity<?> version(@PathVariable String slug, @PathVariable int version,
                                     @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        return answer(existingVersion(slug, version), accept);
    }

    /** Saves version {@code n}'s source again as the newest version; {@code enabled} stays as it is. */
    @PostMapping("/{slug}/versions/{version}/restore")
    public ResponseEntity<ObjectNode> restore(@PathVariable String slug, @PathVariable int version, Principal user) {
        StoredRecipe old = existingVersion(slug, version);
        SourceFormat format = "json".equals(old.sourceFormat()) ? SourceFormat.JSON : SourceFormat.YAML;
        Recipe recipe = parser.parse(old.source(), format, connectionTypes);
        StoredRecipe saved = store.update(recipe, old.source(), format, name(user), false)
                .orElseThrow(() -> notFound(slug));
        catalog.evict(slug);
        return ResponseEntity.created(URI.create("/api/v1/recipes/" + slug + "/versions/" + saved.version()))
                .body(RecipeView.of(saved));
    }

    private StoredRecipe existing(String slug) {
        return store.find(slug).orElseThrow(() -> notFound(slug));
    }

    private StoredRecipe existingVersion(String slug, int version) {
        StoredRecipe current = existing(slug);
        return store.findVersion(slug, version).orElseThrow(() -> ApiException.notFound("Recipe '" + slug
                + "' has no version " + version + "; its versions are 1 to " + current.currentVersion()));
    }

    static ApiException notFound(String slug) {
        return ApiException.notFound("No recipe '" + slug + "' exists");
    }

    private static String name(Principal user) {
        return user == null ? null : user.getName();
    }

    /** JSON by default; the YAML text when the client prefers a YAML type over JSON. */
    private static ResponseEntity<?> answer(StoredRecipe recipe, String accept) {
        if (prefersYaml(accept)) {
            return ResponseEntity.ok().contentType(YAML).body(RecipeView.yaml(recipe));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(RecipeView.of(recipe));
    }

    static boolean prefersYaml(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        types = new java.util.ArrayList<>(types);
        // Stable: among equal qualities the client's order decides.
        types.sort(java.util.Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType t : types) {
            if (t.getQualityValue() == 0) {
                continue;
            }
            if (!t.isWildcardSubtype() && t.getSubtype().toLowerCase(java.util.Locale.ROOT).contains("yaml")) {
                return true;
            }
            if (t.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                return false;
            }
        }
        return false;
    }

    /** Line and column of the top-level {@code slug} key in the source, or 0, 0 when not found. */
    static int[] slugPosition(String text) {
        Matcher m = Pattern.compile("(?m)^(\\s*)\"?slug\"?\\s*:").matcher(text);
        if (!m.find()) {
            return new int[] {0, 0};
        }
        int line = 1;
        for (int i = 0; i < m.start(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new int[] {line, m.group(1).length() + 1};
    }

    /** A recipe body as text, in the format its content type (or its first character) says. */
    record Source(String text, SourceFormat format) {

        static Source read(byte[] body, String contentType) {
            Charset charset = StandardCharsets.UTF_8;
            try {
                MediaType type = MediaType.parseMediaType(contentType);
                if (type.getCharset() != null) {
                    charset = type.getCharset();
                }
            } catch (RuntimeException e) {
                // consumes= already matched the type; an odd charset parameter falls back to UTF-8
            }
            String text = new String(body, charset);
            // A YAML content type is trusted even when the text starts with '{' (a YAML flow mapping).
            boolean yaml = contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("yaml");
            return new Source(text, yaml ? SourceFormat.YAML : RecipeParser.detectFormat(contentType, text));
        }

        /**
         * The YAML text of a JSON body {@code {"yaml": "..."}} (one field, a string) — how a browser sends
         * editor text inside JSON; any other body is the recipe itself.
         */
        Source unwrapped() {
            if (format != SourceFormat.JSON) {
                return this;
            }
            try {
                JsonNode node = WRAPPER_READER.readTree(text);
                if (node != null && node.isObject() && node.size() == 1 && node.path("yaml").isString()) {
                    return new Source(node.path("yaml").asString(), SourceFormat.YAML);
                }
            } catch (RuntimeException e) {
                // not JSON after all: the parser reports where, as it would on save
            }
            return this;
        }

        private static final tools.jackson.databind.ObjectMapper WRAPPER_READER = tools.jackson.databind.json.JsonMapper.builder().build();
    }
}
