package dev.braid.engine.parse;

import java.util.List;

/** A recipe document was rejected; {@link #errors()} holds every problem found, not just the first. */
public final class RecipeValidationException extends RuntimeException {

    private final List<ValidationError> errors;

    public RecipeValidationException(List<ValidationError> errors) {
        super(errors.size() + " problem(s) in the recipe: " + errors.getFirst().message());
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
