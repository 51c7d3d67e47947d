package dev.braid.engine.parse;

import java.util.Locale;
import java.util.Objects;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Reads a recipe from YAML or JSON text, checks all of it, and answers the typed {@link Recipe}.
 * Every problem is collected before anything is thrown, so the author gets them all in one
 * {@link RecipeValidationException}, each with its path, line and column:
 *
 * <pre>{@code
 * RecipeParser parser = new RecipeParser(ConnectorRegistry.load(), Expressions.withDefaults());
 * try {
 *     Recipe recipe = parser.parse(yaml, SourceFormat.YAML);
 * } catch (RecipeValidationException e) {
 *     e.errors();   // [ValidationError[path=steps[1].action, line=9, column=13,
 *                   //   message=Unknown action 'http.requets'; known actions: core.log, ...], ...]
 * }
 * }</pre>
 *
 * <p>Thread-safe; a parser holds nothing per document.
 */
public final class RecipeParser {

    private final Actions actions;
    private final Expressions expressions;

    public RecipeParser(ConnectorRegistry connectors, Expressions expressions) {
        this.actions = new Actions(Objects.requireNonNull(connectors, "connectors"));
        this.expressions = Objects.requireNonNull(expressions, "expressions");
    }

    /**
     * Parses and validates {@code source}.
     *
     * @throws RecipeValidationException listing every problem found, in document order
     */
    public Recipe parse(String source, SourceFormat format) {
        return parse(source, format, null);
    }

    /**
     * Parses and validates {@code source}, and also checks each step's {@code connection} against
     * {@code connections}: that it exists and belongs to the action's connector (when saving a recipe;
     * a stored version is read without it, so a later deleted connection fails the run, not the read).
     *
     * @throws RecipeValidationException listing every problem found, in document order
     */
    public Recipe parse(String source, SourceFormat format, ConnectionTypes connections) {
        CheckedRecipe checked = check(source, format, connections);
        if (!checked.valid()) {
            throw new RecipeValidationException(checked.errors());
        }
        return checked.recipe();
    }

    /**
     * Checks {@code source} as {@link #parse(String, SourceFormat, ConnectionTypes)} does — the one path
     * both take, so what this finds valid, saving accepts — but answers the problems instead of throwing,
     * together with the recipe as far as it could be read and where its steps are written.
     */
    public CheckedRecipe check(String source, SourceFormat format, ConnectionTypes connections) {
        Problems problems = new Problems(new Positions());
        JsonNode document = SourceReader.read(source, format == null ? SourceFormat.YAML : format, problems);
        if (document == null) {
            return new CheckedRecipe(null, problems.sorted(), SourceLines.NONE);
        }
        RecipeReader reader = new RecipeReader(problems, expressions, actions, connections);
        Recipe recipe = reader.read(document);
        return new CheckedRecipe(recipe, problems.sorted(), reader.lines());
    }

    /**
     * The format of a request body: JSON when the content type says json ({@code application/json},
     * {@code application/problem+json}) or, whatever it says otherwise, when the body's first
     * non-space character is <code>{</code>; YAML otherwise.
     */
    public static SourceFormat detectFormat(String contentType, String body) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) {
            return SourceFormat.JSON;
        }
        if (body != null) {
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (Character.isWhitespace(c) || c == '\uFEFF') {
                    continue;
                }
                return c == '{' ? SourceFormat.JSON : SourceFormat.YAML;
            }
        }
        return SourceFormat.YAML;
    }
}
