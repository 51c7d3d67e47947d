package dev.braid.engine.run;

import java.time.Duration;
import java.util.List;

import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.RetrySpec;
import dev.braid.engine.model.Step;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** Test data builders: recipes and steps as records, JSON from single-quoted text. */
final class TestRecipes {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private TestRecipes() {}

    /** JSON from text that may use single quotes: {@code json("{'a': 1}")}. */
    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static Recipe recipe(Step... steps) {
        return recipe(RetrySpec.NONE, steps);
    }

    static Recipe recipe(RetrySpec retry, Step... steps) {
        return new Recipe("test-recipe", "Test recipe", null, true,
                new Trigger(new TriggerSettings.Manual()),
                List.of(steps), retry, null, null, null, JsonNodeFactory.instance.objectNode());
    }

    static ActionBuilder action(String id, String action) {
        return new ActionBuilder(id, action);
    }

    static Step.IfStep ifStep(String id, String condition, List<Step> then, List<Step> otherwise) {
        return new Step.IfStep(id, condition, then, otherwise);
    }

    static Step.IfStep ifStep(String id, String condition, Step... then) {
        return new Step.IfStep(id, condition, List.of(then), null);
    }

    static Step.ForeachStep foreach(String id, String items, Step... steps) {
        return new Step.ForeachStep(id, items, null, 0, 1, List.of(steps));
    }

    static Step.ForeachStep foreach(String id, String items, String as, int chunk, int parallel, Step... steps) {
        return new Step.ForeachStep(id, items, as, chunk, parallel, List.of(steps));
    }

    static Step.StopStep stop(String id, String outputJson) {
        return new Step.StopStep(id, outputJson == null ? null : json(outputJson));
    }

    static Step.FailStep fail(String id, String message) {
        return new Step.FailStep(id, message);
    }

    /** An action step, built up fluently; it is a {@link Step} only once {@link #build()} is called. */
    static final class ActionBuilder {
        private final String id;
        private final String action;
        private String connection;
        private JsonNode with;
        private RetrySpec retry = RetrySpec.NONE;
        private Duration timeout;
        private boolean continueOnError;

        private ActionBuilder(String id, String action) {
            this.id = id;
            this.action = action;
        }

        ActionBuilder with(String withJson) {
            this.with = json(withJson);
            return this;
        }

        ActionBuilder connection(String name) {
            this.connection = name;
            return this;
        }

        ActionBuilder retry(RetrySpec spec) {
            this.retry = spec;
            return this;
        }

        ActionBuilder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        ActionBuilder continueOnError() {
            this.continueOnError = true;
            return this;
        }

        Step.ActionStep build() {
            return new Step.ActionStep(id, action, connection, with, retry, timeout, continueOnError);
        }
    }
}
