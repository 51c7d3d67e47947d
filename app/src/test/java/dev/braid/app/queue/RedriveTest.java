package dev.braid.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.run.RunExecutor;
import dev.braid.engine.run.RunRequest;
import dev.braid.engine.run.StepJournal;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Step paths of dead letters looked up in a recipe version's steps (resume-from-failed-step check).
 * The paths are the ones the engine itself records (DESIGN §2 "A step's path"): the recipe below is run
 * by the real {@link RunExecutor} and the paths it journals are the ones looked up, so this test follows
 * the engine if its path form ever changes.
 */
class RedriveTest {

    private static final String RECIPE = """
            slug: redrive-paths
            name: Redrive paths
            trigger:
              manual: {}
            steps:
              - id: fetch
                action: core.transform
                with: { value: 1 }
              - id: lines
                foreach: "trigger.body.lines"
                as: line
                steps:
                  - id: reserve
                    action: core.transform
                    with: { value: "{{ line }}" }
              - id: check
                if: "trigger.body.big"
                then:
                  - id: notify
                    action: core.log
                    with: { message: "big" }
                else:
                  - id: skip
                    action: core.log
                    with: { message: "small" }
            """;

    private static final ConnectorRegistry CONNECTORS = ConnectorRegistry.load();
    private static final Recipe STEPS = new RecipeParser(CONNECTORS, Expressions.withDefaults()).parse(RECIPE, SourceFormat.YAML);

    /** The paths the engine journals for one run of {@link #RECIPE} with this trigger body. */
    private static Set<String> pathsOfARun(String body) {
        Set<String> paths = new ConcurrentSkipListSet<>();
        StepJournal journal = new StepJournal() {
            @Override
            public Optional<StepRecord> find(String path) {
                return Optional.empty();
            }

            @Override
            public void record(StepRecord record, boolean durable) {
                paths.add(record.path());
            }
        };
        JsonNode trigger = JsonMapper.shared().readTree("{\"type\": \"manual\", \"body\": " + body + "}");
        RunRequest request = new RunRequest("run-1", STEPS, trigger, 1, JsonNodeFactory.instance.objectNode(),
                name -> Optional.empty(), false, Instant.now().plusSeconds(60), (path, level, message) -> { }, null, null);
        new RunExecutor(CONNECTORS, Expressions.withDefaults(), Clock.systemUTC()).execute(request, journal);
        return paths;
    }

    @Test
    void everyPathTheEngineRecordsIsFoundInTheRecipe() {
        Set<String> big = pathsOfARun("{\"lines\": [\"a\", \"b\", \"c\"], \"big\": true}");
        Set<String> small = pathsOfARun("{\"lines\": [\"a\"], \"big\": false}");
        // The form of DESIGN §2: ids prefixed by their parents, an iteration's index on the foreach id,
        // no then/else segment for a branch.
        assertThat(big).contains("fetch", "lines", "lines[0].reserve", "lines[2].reserve", "check", "check.notify");
        assertThat(small).contains("lines[0].reserve", "check.skip");

        assertThat(big).allSatisfy(path -> assertThat(Redrive.hasStep(STEPS.steps(), path)).as(path).isTrue());
        assertThat(small).allSatisfy(path -> assertThat(Redrive.hasStep(STEPS.steps(), path)).as(path).isTrue());
    }

    @Test
    void aPathWithIndexesMapsToTheStepIdChain() {
        assertThat(pathsOfARun("{\"lines\": [1, 2, 3], \"big\": true}")).contains("lines[2].reserve");
        assertThat(Redrive.hasStep(STEPS.steps(), "fetch")).isTrue();
        assertThat(Redrive.hasStep(STEPS.steps(), "lines[2].reserve")).isTrue();
        assertThat(Redrive.hasStep(STEPS.steps(), "lines[2].release")).isFalse();
        assertThat(Redrive.hasStep(STEPS.steps(), "reserve")).isFalse();
        assertThat(Redrive.hasStep(STEPS.steps(), "gone")).isFalse();
    }

    @Test
    void aStepInABranchIsFoundUnderItsIfAndNowhereElse() {
        assertThat(Redrive.hasStep(STEPS.steps(), "check.notify")).isTrue();
        assertThat(Redrive.hasStep(STEPS.steps(), "check.skip")).isTrue();
        assertThat(Redrive.hasStep(STEPS.steps(), "check.gone")).isFalse();
        assertThat(Redrive.hasStep(STEPS.steps(), "notify")).as("a branch step without its if").isFalse();
        assertThat(Redrive.hasStep(STEPS.steps(), "fetch.notify")).isFalse();
    }
}
