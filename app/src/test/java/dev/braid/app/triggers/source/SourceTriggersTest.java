package dev.braid.app.triggers.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;

/** Which sources run follows the enabled recipes: new ones start, changed versions restart, gone ones stop. */
class SourceTriggersTest {

    private final List<String> startedLog = new CopyOnWriteArrayList<>();
    private final List<String> stoppedLog = new CopyOnWriteArrayList<>();

    @Test
    void sourcesFollowTheEnabledRecipesAcrossRefreshes() {
        SourceTriggers triggers = new SourceTriggers(source(null), recipe -> context(recipe.slug(), recipe.version()));
        List<RecipeCatalog.Current> wanted = IntStream.range(0, 300).mapToObj(i -> recipe("r" + i, 1))
                .collect(Collectors.toCollection(ArrayList::new));
        triggers.reconcile(wanted);
        assertThat(triggers.started()).hasSize(300);
        assertThat(startedLog).hasSize(300);

        // The same set again changes nothing.
        triggers.reconcile(wanted);
        assertThat(startedLog).hasSize(300);
        assertThat(stoppedLog).isEmpty();

        // r0 gets version 2 (restarted: the old one stops first), r1 is disabled (stopped).
        wanted.set(0, recipe("r0", 2));
        wanted.remove(1);
        triggers.reconcile(wanted);
        assertThat(stoppedLog).containsExactlyInAnyOrder("r0@1", "r1@1");
        assertThat(startedLog).contains("r0@2").hasSize(301);
        assertThat(triggers.started().get("r0").version()).isEqualTo(2);
        assertThat(triggers.started()).doesNotContainKey("r1").hasSize(299);

        triggers.stopAll();
        assertThat(triggers.started()).isEmpty();
        assertThat(stoppedLog).hasSize(2 + 299);
    }

    @Test
    void aSourceThatCannotStartIsTriedAgainOnEveryRefreshUntilItDoes() {
        List<Boolean> failing = new CopyOnWriteArrayList<>(List.of(true, true));
        SourceTriggers triggers = new SourceTriggers(source(failing), recipe -> context(recipe.slug(), recipe.version()));
        List<RecipeCatalog.Current> wanted = List.of(recipe("broken", 1));
        triggers.reconcile(wanted);
        triggers.reconcile(wanted);
        assertThat(triggers.started()).isEmpty();
        triggers.reconcile(wanted);
        assertThat(triggers.started()).containsKey("broken");
        assertThat(startedLog).containsExactly("broken@1");
    }

    private TriggerSource source(List<Boolean> failing) {
        return new TriggerSource() {
            @Override
            public String type() {
                return "test";
            }

            @Override
            public Running start(TriggerContext context) {
                if (failing != null && !failing.isEmpty()) {
                    failing.removeFirst();
                    throw new IllegalStateException("The trigger's connection 'x' does not exist");
                }
                String id = context.recipe() + "@" + context.version();
                startedLog.add(id);
                return (Duration timeout) -> stoppedLog.add(id);
            }
        };
    }

    private static RecipeCatalog.Current recipe(String slug, int version) {
        return new RecipeCatalog.Current(slug, version, true, null, 0);
    }

    /** Only what SourceTriggers' callers read here: which recipe version the context is for. */
    private static TriggerContext context(String slug, int version) {
        return (TriggerContext) Proxy.newProxyInstance(SourceTriggersTest.class.getClassLoader(),
                new Class<?>[] {TriggerContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "recipe" -> slug;
                    case "version" -> version;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
