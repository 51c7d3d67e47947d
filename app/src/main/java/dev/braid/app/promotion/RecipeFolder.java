package dev.braid.app.promotion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.ConnectionTypes;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.RecipeValidationException;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.parse.ValidationError;

/**
 * GitOps (ARCHITECTURE §12): the recipe files ({@code *.yaml}, {@code *.yml}, {@code *.json}) in
 * {@code braid.recipes.dir}, loaded at start and looked at every {@code braid.recipes.scan}. A new or changed file
 * whose recipe's definition changed becomes a new version ({@link RecipeSaving}: formatting alone changes
 * nothing); a deleted file's recipe is disabled (never deleted: its runs and history stay). A file with problems
 * changes nothing — its recipe stays at the version it had — and each problem is logged with the file, line and
 * column, and kept for {@link #problems()} until the file is fixed. Only the files seen since this node started
 * are followed: a file deleted while the node was down leaves its recipe as it is. Every node with the folder
 * applies it; saving is idempotent (unchanged definitions are not saved), so several nodes agree.
 */
@Component
public class RecipeFolder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RecipeFolder.class);
    static final String AUTHOR = "recipes-dir";

    private final Path dir;
    private final Duration scan;
    private final RecipeParser parser;
    private final ConnectionTypes connectionTypes;
    private final RecipeSaving saving;
    /** The content last read from each file, so an unchanged file is not parsed again. */
    private final Map<Path, String> seen = new HashMap<>();
    /** The recipe each file held when it was last valid. */
    private final Map<Path, String> slugs = new HashMap<>();
    private final Map<String, List<String>> problems = new ConcurrentHashMap<>();
    private final BackgroundLoop loop;
    private volatile boolean running;

    @org.springframework.beans.factory.annotation.Autowired
    public RecipeFolder(RecipeFolderSettings settings, RecipeParser parser, ConnectionTypes connectionTypes, RecipeSaving saving) {
        this(settings.dir(), settings.scan(), parser, connectionTypes, saving);
    }

    RecipeFolder(Path dir, Duration scan, RecipeParser parser, ConnectionTypes connectionTypes, RecipeSaving saving) {
        this.dir = dir == null ? null : dir.toAbsolutePath().normalize();
        this.scan = scan;
        this.parser = parser;
        this.connectionTypes = connectionTypes;
        this.saving = saving;
        this.loop = new BackgroundLoop("braid-recipes-dir", this::scanNow,
                e -> log.warn("Reading the recipe folder {} failed (the next scan tries again): {}", this.dir, e.toString()));
    }

    /** The problems of each file that has some now, by file name relative to the folder: "line 7, column 5: …". */
    public Map<String, List<String>> problems() {
        return new TreeMap<>(problems);
    }

    /** Reads the folder once and applies what changed since the last time. */
    public synchronized void scanNow() {
        if (dir == null) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(Files::isRegularFile).filter(RecipeFolder::isRecipeFile).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                report(file, List.of("cannot be read: " + e.getMessage()));
                continue;
            }
            if (text.equals(seen.get(file))) {
                continue;
            }
            seen.put(file, text);
            apply(file, text);
        }
        for (Path gone : List.copyOf(slugs.keySet())) {
            if (!files.contains(gone)) {
                String slug = slugs.remove(gone);
                seen.remove(gone);
                problems.remove(name(gone));
                if (!slugs.containsValue(slug) && saving.disable(slug)) {
                    log.info("Recipe folder: {} was deleted, recipe '{}' is disabled", name(gone), slug);
                }
            }
        }
        for (String name : List.copyOf(problems.keySet())) {
            if (files.stream().noneMatch(f -> name(f).equals(name))) {
                problems.remove(name);
            }
        }
    }

    private void apply(Path file, String text) {
        SourceFormat format = file.getFileName().toString().endsWith(".json") ? SourceFormat.JSON : SourceFormat.YAML;
        Recipe recipe;
        try {
            recipe = parser.parse(text, format, connectionTypes);
        } catch (RecipeValidationException e) {
            List<String> lines = new ArrayList<>();
            for (ValidationError v : e.errors()) {
                lines.add("line " + v.line() + ", column " + v.column() + ": " + (v.path() == null || v.path().isEmpty() ? ""
                        : v.path() + ": ") + v.message());
            }
            report(file, lines);
            return;
        }
        for (Map.Entry<Path, String> other : slugs.entrySet()) {
            if (!other.getKey().equals(file) && other.getValue().equals(recipe.slug())) {
                report(file, List.of("line 1, column 1: slug '" + recipe.slug() + "' is already the recipe of "
                        + name(other.getKey()) + "; one file per recipe"));
                return;
            }
        }
        try {
            RecipeSaving.Saved saved = saving.save(recipe, text, format, AUTHOR);
            problems.remove(name(file));
            String before = slugs.put(file, recipe.slug());
            if (before != null && !before.equals(recipe.slug()) && saving.disable(before)) {
                log.info("Recipe folder: {} now holds '{}'; recipe '{}' is disabled", name(file), recipe.slug(), before);
            }
            if (saved.change() != RecipeSaving.Change.UNCHANGED) {
                log.info("Recipe folder: {} → recipe '{}' {} (version {})", name(file), saved.slug(), saved.change().wire(),
                        saved.version());
            }
        } catch (RuntimeException e) {
            seen.remove(file); // not applied: try again at the next scan
            report(file, List.of("line 1, column 1: could not be saved: " + e.getMessage()));
        }
    }

    private void report(Path file, List<String> lines) {
        problems.put(name(file), List.copyOf(lines));
        for (String line : lines) {
            log.warn("Recipe folder: {} {} — nothing in it was applied", name(file), line);
        }
    }

    private String name(Path file) {
        return dir.relativize(file).toString();
    }

    private static boolean isRecipeFile(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    @Override
    public void start() {
        running = true;
        if (dir == null) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            log.warn("braid.recipes.dir {} is not a folder; no recipe files are loaded until it exists", dir);
        } else {
            scanNow(); // at start, before the server takes traffic
            log.info("Recipe folder {}: {} recipe file(s) loaded, {} with problems; looked at every {}", dir, slugs.size(),
                    problems.size(), scan);
        }
        loop.start(scan, scan);
    }

    @Override
    public void stop() {
        loop.stop();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
