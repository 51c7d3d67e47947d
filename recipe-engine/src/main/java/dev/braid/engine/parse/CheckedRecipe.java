package dev.braid.engine.parse;

import java.util.List;

import dev.braid.engine.model.Recipe;

/**
 * What checking a recipe document found: every problem (empty when the recipe is valid), the recipe
 * as far as it could be read ({@code null} when the text is not a readable YAML/JSON mapping; with
 * problems, steps that could not be read are left out), and where its parts were written.
 */
public record CheckedRecipe(Recipe recipe, List<ValidationError> errors, SourceLines lines) {

    public CheckedRecipe {
        errors = List.copyOf(errors);
    }

    public boolean valid() {
        return errors.isEmpty();
    }
}
