package dev.braid.app.store;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;

/**
 * Parsed recipes for the hot path. A version never changes once saved, so parsed versions are kept;
 * which version is current (and whether it is enabled) is cached briefly, and dropped at once on this
 * node when a recipe changes here. Other nodes see a change within {@link #CURRENT_TTL}.
 */
@Component
public class RecipeCatalog {

    static final Duration CURRENT_TTL = Duration.ofSeconds(1);
    private static final int VERSION_CACHE_LIMIT = 10_000;

    private final RecipeStore store;
    private final RecipeParser parser;
    private final JsonColumns json;
    private final Map<String, Recipe> versions = new ConcurrentHashMap<>();
    private final Map<String, Current> current = new ConcurrentHashMap<>();

    private final ApplicationEventPublisher events;

    public RecipeCatalog(RecipeStore store, RecipeParser parser, JsonColumns json, ApplicationEventPublisher events) {
        this.store = store;
        this.parser = parser;
        this.json = json;
        this.events = events;
    }

    /** Published after every change made on this node (save, enable, disable, delete, restore). */
    public record Changed(String slug) {}

    /** The current version of a recipe with its enabled flag. */
    public record Current(String slug, int version, boolean enabled, Recipe recipe, long loadedAtNanos) {}

    public Optional<Current> current(String slug) {
        Current c = current.get(slug);
        if (c != null && System.nanoTime() - c.loadedAtNanos() < CURRENT_TTL.toNanos()) {
            return Optional.of(c);
        }
        Optional<StoredRecipe> stored = store.find(slug);
        if (stored.isEmpty()) {
            current.remove(slug);
            return Optional.empty();
        }
        StoredRecipe s = stored.get();
        Recipe recipe = versions.computeIfAbsent(key(slug, s.version()), k -> parse(s));
        Current fresh = new Current(slug, s.version(), s.enabled(), recipe, System.nanoTime());
        current.put(slug, fresh);
        return Optional.of(fresh);
    }

    /** A given version, as runs recorded it. */
    public Recipe version(String slug, int version) {
        Recipe cached = versions.get(key(slug, version));
        if (cached != null) {
            return cached;
        }
        StoredRecipe s = store.findVersion(slug, version)
                .orElseThrow(() -> new IllegalStateException("Recipe " + slug + " version " + version + " does not exist"));
        if (versions.size() > VERSION_CACHE_LIMIT) {
            versions.clear();
        }
        return versions.computeIfAbsent(key(slug, version), k -> parse(s));
    }

    /** Forgets what this node knows about a recipe (after a save, enable, disable or delete). */
    public void evict(String slug) {
        current.remove(slug);
        if (!store.find(slug).isPresent()) {
            versions.keySet().removeIf(k -> k.startsWith(slug + "@"));
        }
        events.publishEvent(new Changed(slug));
    }

    private Recipe parse(StoredRecipe s) {
        return parser.parse(json.mapper().writeValueAsString(s.definition()), SourceFormat.JSON);
    }

    private static String key(String slug, int version) {
        return slug + "@" + version;
    }
}
