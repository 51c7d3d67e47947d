package dev.braid.app.triggers.source;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;

/**
 * Runs one connector's {@link TriggerSource} for the enabled recipes of its trigger type (ARCHITECTURE §3):
 * one started source per recipe; a new version restarts it (the old one stops — hands over and
 * acknowledges what it holds — first); a disabled or deleted recipe's source stops. A source that
 * cannot start is logged once per version and tried again on every refresh. A trigger runtime calls it
 * from one thread.
 */
public final class SourceTriggers {

    private static final Logger log = LoggerFactory.getLogger(SourceTriggers.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** A recipe version's started source. */
    public record Started(int version, TriggerSource.Running running) {}

    private final TriggerSource source;
    private final Function<RecipeCatalog.Current, TriggerContext> contexts;
    private final Map<String, Started> started = new ConcurrentHashMap<>();
    /** Recipe versions whose source could not start, so the refresh does not log the same problem every pass. */
    private final Set<String> reported = new HashSet<>();

    /** {@code contexts}: the context of a recipe version; may throw (an unusable connection) as {@code start} may. */
    public SourceTriggers(TriggerSource source, Function<RecipeCatalog.Current, TriggerContext> contexts) {
        this.source = source;
        this.contexts = contexts;
    }

    public void reconcile(Collection<RecipeCatalog.Current> wanted) {
        Map<String, RecipeCatalog.Current> bySlug = new HashMap<>();
        wanted.forEach(c -> bySlug.put(c.slug(), c));
        for (Map.Entry<String, Started> running : Map.copyOf(started).entrySet()) {
            RecipeCatalog.Current want = bySlug.get(running.getKey());
            if (want == null || want.version() != running.getValue().version()) {
                running.getValue().running().stop(STOP_TIMEOUT);
                started.remove(running.getKey());
                log.info("{} trigger of recipe '{}' v{} stopped", source.type(), running.getKey(), running.getValue().version());
            }
        }
        for (RecipeCatalog.Current recipe : bySlug.values()) {
            if (!started.containsKey(recipe.slug())) {
                start(recipe);
            }
        }
    }

    private void start(RecipeCatalog.Current recipe) {
        String attempt = recipe.slug() + "@" + recipe.version();
        try {
            TriggerSource.Running running = source.start(contexts.apply(recipe));
            started.put(recipe.slug(), new Started(recipe.version(), running));
            reported.remove(attempt);
            log.info("{} trigger of recipe '{}' v{} started", source.type(), recipe.slug(), recipe.version());
        } catch (RuntimeException e) {
            if (reported.add(attempt)) {
                log.warn("The {} trigger of recipe '{}' cannot start (tried again every refresh): {}", source.type(),
                        recipe.slug(), e.getMessage());
            }
        }
    }

    public void stopAll() {
        started.values().parallelStream().forEach(s -> s.running().stop(STOP_TIMEOUT));
        started.clear();
    }

    /** The started source of each recipe, by slug. */
    public Map<String, Started> started() {
        return Map.copyOf(started);
    }
}
