package dev.braid.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * Every recipe the README shows in a {@code ```yaml} block parses with the built-in connectors, as the
 * server would read it: a reader who copies one gets no surprise. (Connections are not checked here:
 * the README creates them in the text around the snippets.)
 */
class ReadmeRecipesTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    private static final RecipeParser PARSER = new RecipeParser(ConnectorRegistry.load(), Expressions.withDefaults());

    static List<String> snippets() throws IOException {
        Matcher m = YAML_BLOCK.matcher(Files.readString(README));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void theReadmeShowsRecipes() throws IOException {
        assertThat(snippets()).hasSizeGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("snippets")
    void eachYamlSnippetIsARecipeThatParses(String yaml) {
        Recipe recipe = PARSER.parse(yaml, SourceFormat.YAML);
        assertThat(recipe.slug()).isNotBlank();
    }
}
