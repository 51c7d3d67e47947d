package dev.braid.app.samples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.RecipeValidationException;
import dev.braid.engine.parse.SourceFormat;

/**
 * Loads the sample recipes ({@code classpath:samples/index.txt} lists their files, one a line) when
 * {@code braid.samples.load} is true: each sample whose slug does not exist yet is created; an existing
 * slug is never touched, so a sample a user edited stays as they left it. A sample that does not parse
 * is logged and skipped.
 */
@Component
public class SampleRecipes {

    static final String INDEX = "samples/index.txt";
    static final String CREATED_BY = "samples";

    private static final Logger log = LoggerFactory.getLogger(SampleRecipes.class);

    private final BraidProperties properties;
    private final RecipeStore store;
    private final RecipeCatalog catalog;
    private final RecipeParser parser;

    public SampleRecipes(BraidProperties properties, RecipeStore store, RecipeCatalog catalog, RecipeParser parser) {
        this.properties = properties;
        this.store = store;
        this.catalog = catalog;
        this.parser = parser;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        if (properties.samples() != null && properties.samples().load()) {
            load();
        }
    }

    /** Creates the missing samples; answers the slugs created. */
    public List<String> load() {
        ClassPathResource index = new ClassPathResource(INDEX);
        if (!index.exists()) {
            return List.of();
        }
        List<String> files;
        try {
            files = read(index).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            log.warn("Could not read the sample index {}: {}", INDEX, e.getMessage());
            return List.of();
        }
        List<String> created = new java.util.ArrayList<>();
        for (String file : files) {
            String slug = loadOne(file);
            if (slug != null) {
                created.add(slug);
            }
        }
        if (!created.isEmpty()) {
            log.info("Loaded {} sample recipe(s): {} (braid.samples.load=false turns this off)", created.size(), created);
        }
        return created;
    }

    private String loadOne(String file) {
        ClassPathResource resource = new ClassPathResource("samples/" + file);
        if (!resource.exists()) {
            log.warn("Sample recipe {} is listed in {} but not on the class path", file, INDEX);
            return null;
        }
        try {
            String source = read(resource);
            SourceFormat format = file.endsWith(".json") ? SourceFormat.JSON : RecipeParser.detectFormat(null, source);
            Recipe recipe = parser.parse(source, format);
            if (store.find(recipe.slug()).isPresent()) {
                return null;
            }
            store.create(recipe, source, format, CREATED_BY);
            catalog.evict(recipe.slug());
            return recipe.slug();
        } catch (RecipeValidationException e) {
            log.warn("Sample recipe {} is not valid and was skipped: {}", file, e.errors());
        } catch (DuplicateKeyException e) {
            // another node created it at the same moment
        } catch (IOException | RuntimeException e) {
            log.warn("Sample recipe {} could not be loaded: {}", file, e.toString());
        }
        return null;
    }

    private static String read(ClassPathResource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
