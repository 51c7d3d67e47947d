package dev.braid.app.promotion;

import org.springframework.stereotype.Component;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import dev.braid.app.store.StoredRecipe;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.SourceFormat;

/**
 * The one rule of promotion and GitOps for a parsed recipe: a new slug is created, a changed definition becomes a
 * new version, an unchanged one (the same normalised definition, whatever the formatting) changes nothing.
 */
@Component
public class RecipeSaving {

    /** What saving a recipe did, or would do. */
    public enum Change {
        NEW, CHANGED, UNCHANGED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final RecipeStore store;
    private final RecipeCatalog catalog;

    public RecipeSaving(RecipeStore store, RecipeCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    /** What {@link #save} would do. */
    public Change changeOf(Recipe recipe) {
        return store.find(recipe.slug())
                .map(current -> current.definition().equals(recipe.definition()) ? Change.UNCHANGED : Change.CHANGED)
                .orElse(Change.NEW);
    }

    /** Saves {@code recipe} when new or changed; the version it is at afterwards. */
    public Saved save(Recipe recipe, String source, SourceFormat format, String by) {
        Change change = changeOf(recipe);
        StoredRecipe stored = switch (change) {
            case NEW -> store.create(recipe, source, format, by);
            case CHANGED -> store.update(recipe, source, format, by, recipe.definition().has("enabled")).orElseThrow();
            case UNCHANGED -> store.find(recipe.slug()).orElseThrow();
        };
        if (change != Change.UNCHANGED) {
            catalog.evict(recipe.slug());
        }
        return new Saved(recipe.slug(), change, stored.currentVersion());
    }

    /** Switches a recipe off (its file was deleted); false when there is no such recipe or it was off already. */
    public boolean disable(String slug) {
        boolean was = store.find(slug).map(StoredRecipe::enabled).orElse(false);
        if (was && store.setEnabled(slug, false)) {
            catalog.evict(slug);
            return true;
        }
        return false;
    }

    public record Saved(String slug, Change change, int version) {}
}
