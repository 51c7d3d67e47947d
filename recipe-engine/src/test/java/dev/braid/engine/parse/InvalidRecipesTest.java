package dev.braid.engine.parse;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Fixtures under {@code recipes/invalid/}: each asserts every error it must produce, with path,
 * line, column and the telling part of the message, and nothing more.
 */
class InvalidRecipesTest {

    private static final String ALL_KINDS = "action, if, foreach, call, stop, fail";
    private static final String ACTION_FIELDS = "id, name, description, action, connection, with, retry, timeout, onError";

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    /** One expected error; {@code message} is a substring of the actual message. */
    record Expected(String path, int line, int column, String message) {}

    static Expected error(String path, int line, int column, String message) {
        return new Expected(path, line, column, message);
    }

    private List<ValidationError> errors(String fixture) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(Fixtures.text("invalid/" + fixture), Fixtures.format(fixture)));
        assertThat(e).as("%s must be rejected", fixture).isNotNull();
        return e.errors();
    }

    private void assertErrors(String fixture, Expected... expected) {
        List<ValidationError> actual = errors(fixture);
        String listing = actual.stream().map(ValidationError::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
        assertThat(actual).as("errors of %s:%s", fixture, listing).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            ValidationError a = actual.get(i);
            Expected x = expected[i];
            assertThat(a.path()).as("path of error %d of %s:%s", i, fixture, listing).isEqualTo(x.path());
            assertThat(a.line()).as("line of error %d of %s:%s", i, fixture, listing).isEqualTo(x.line());
            assertThat(a.column()).as("column of error %d of %s:%s", i, fixture, listing).isEqualTo(x.column());
            assertThat(a.message()).as("message of error %d of %s", i, fixture).contains(x.message());
            assertThat(a.message()).as("no implementation detail leaks").doesNotContain("org.yaml", "Exception", "\tat ");
        }
    }

    @Test
    void unknownAction() {
        assertErrors("unknown-action.yaml", error("steps[0].action", 7, 13,
                "Unknown action 'http.requets'; known actions: core.log, core.transform, http.request; did you mean 'http.request'?"));
    }

    @Test
    void duplicateStepIdInsideNestedSteps() {
        assertErrors("duplicate-step-id.yaml", error("steps[1].steps[0].then[0].id", 16, 17,
                "Duplicate step id 'lookup' (first used at line 7); step ids must be unique in a recipe"));
    }

    @Test
    void invalidExpressionInIf() {
        assertErrors("invalid-if-expression.yaml", error("steps[0].if", 7, 9, "Invalid expression: Expression 'trigger.body.amount >'"));
    }

    @Test
    void invalidTemplateInsideWith() {
        assertErrors("invalid-with-template.yaml",
                error("steps[0].with.body.total", 12, 16, "Invalid expression: Expression '$sum(trigger.body.items.price'"));
    }

    @Test
    void missingTrigger() {
        assertErrors("missing-trigger.yaml", error("", 1, 1,
                "Missing required field 'trigger'; a recipe starts from exactly one of webhook, kafka, cdc, schedule, poll, manual, mqtt, amqp"));
    }

    @Test
    void twoTriggers() {
        assertErrors("two-triggers.yaml", error("trigger", 3, 1,
                "The trigger must name exactly one of webhook, kafka, cdc, schedule, poll, manual, mqtt, amqp; found 2: webhook, kafka"));
    }

    @Test
    void unknownFieldWithSuggestion() {
        assertErrors("unknown-field.yaml", error("steps[0].retries", 9, 5,
                "Unknown field 'retries'; allowed fields: " + ACTION_FIELDS + "; did you mean 'retry'?"));
    }

    @Test
    void badSlug() {
        assertErrors("bad-slug.yaml", error("slug", 1, 7,
                "Slug 'Order_Sync' is not valid; use 1 to 64 lower-case letters, digits and '-'"));
    }

    @Test
    void badDuration() {
        assertErrors("bad-duration.yaml", error("trigger.webhook.dedupe.window", 5, 23,
                "'10 sec' is not a duration; write e.g. 500ms, 10s, 5m, 2h"));
    }

    @Test
    void yamlSyntaxErrorPointsAtTheOpeningQuote() {
        assertErrors("yaml-syntax-error.yaml", error("", 9, 16,
                "The recipe is not well-formed YAML: the quoted text that starts here is never closed; add the closing quote"));
    }

    @Test
    void yamlBadIndentation() {
        assertErrors("yaml-bad-indentation.yaml", error("", 8, 4, "The recipe is not well-formed YAML: "));
    }

    @Test
    void duplicateYamlKey() {
        assertErrors("duplicate-yaml-key.yaml", error("name", 9, 1,
                "Duplicate key 'name' (first at line 2); a key may appear only once in a mapping"));
    }

    @Test
    void billionLaughsIsRejectedFast() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertErrors("billion-laughs.yaml",
                error("", 10, 23, "The recipe uses more than 50 aliases (*name) of lists or mappings")));
    }

    @Test
    void threeErrorsOnThreeLinesAreAllReported() {
        assertErrors("three-errors.yaml",
                error("timeout", 6, 10, "'10 sec' is not a duration"),
                error("steps[0].action", 9, 13, "Unknown action 'http.requets'"),
                error("steps[1].if", 12, 9, "Invalid expression: "));
    }

    @Test
    void customTagsAreRefused() {
        assertErrors("custom-tag.yaml",
                error("steps[0].with.message", 9, 16, "The YAML tag '!!python/object:os.system' is not supported"),
                error("steps[0].with.level", 10, 14, "The YAML tag '!shout' is not supported"));
    }

    @Test
    void callStepNeedsASlugAndAMapping() {
        assertErrors("call-step.yaml",
                error("steps[0].call", 7, 11, "'call' names the recipe to start by its slug (lower-case letters, digits and '-', "
                        + "at most 64 characters); found 'Other_Recipe'"),
                error("steps[0].with", 8, 11, "'with' must be a mapping: it becomes the called recipe's trigger body; found 'nope'"));
    }

    @Test
    void stepKindsAndIds() {
        assertErrors("step-kinds.yaml",
                error("steps[0]", 6, 5, "A step must have exactly one of " + ALL_KINDS + "; found none"),
                error("steps[0].acton", 7, 5, "Unknown field 'acton'; allowed fields: id, name, description, action, connection, "
                        + "with, retry, timeout, onError, if, then, else, foreach, as, chunk, parallel, steps, call, stop, fail; "
                        + "did you mean 'action'?"),
                error("steps[1]", 8, 5, "A step must have exactly one of " + ALL_KINDS + "; found 2: action, if"),
                error("steps[2].then", 13, 5, "Unknown field 'then'; allowed fields: " + ACTION_FIELDS
                        + "; 'then' belongs to an if step"),
                error("steps[3].id", 14, 9, "Step id '9lives' is not valid"),
                error("steps[3].stop", 15, 11, "'stop' must be true, {} or { output: ... }; found false"));
    }

    @Test
    void wrongTypesAndRanges() {
        assertErrors("wrong-types.yaml",
                error("name", 2, 7, "'name' must be text; found a list"),
                error("enabled", 3, 10, "'enabled' must be true or false; found 'yes'"),
                error("trigger.webhook.respond.mode", 6, 22, "'mode' must be one of async, sync; found 'asnyc'; did you mean 'async'?"),
                error("trigger.webhook.rateLimit.requests", 7, 28, "'requests' must be a whole number of at least 1; found the number 0"),
                error("concurrency.limit", 8, 23, "'limit' must be a whole number of at least 1; found the number 0"),
                error("retry.maxDelay", 9, 55, "'maxDelay' (1s) is shorter than 'initialDelay' (10s)"),
                error("retry.multiplier", 9, 71, "'multiplier' must be a number of at least 1; found the number 0.5"),
                error("steps[0].foreach", 12, 14, "'foreach' takes a bare expression without {{ }}; write foreach: \"trigger.body.items\""),
                error("steps[0].as", 13, 9, "'as: steps' would hide 'steps' of the expression context"),
                error("steps[0].parallel", 14, 15, "'parallel' must be a whole number from 1 to 64; found the number 100"),
                error("steps[0].steps", 15, 12, "'steps' is empty"),
                error("onError", 16, 10, "The recipe's 'onError' must be a mapping { deadLetter, notify }; found 'continue'; "
                        + "'onError: continue' belongs on a step"));
    }

    @Test
    void kafkaTriggerMistakes() {
        assertErrors("kafka-mistakes.yaml",
                error("trigger.kafka", 4, 3, "Missing required field 'topic'; name the Kafka topic to consume"),
                error("trigger.kafka.format", 5, 13, "'format' must be one of json, text; found 'xml'"),
                error("trigger.kafka.startFrom", 6, 16, "'startFrom' must be one of earliest, latest; found 'newest'"),
                error("trigger.kafka.batch.maxSize", 7, 23, "'maxSize' must be a whole number of at least 1; found the number 0"),
                error("trigger.kafka.batch.maxWait", 7, 35, "'soon' is not a duration"),
                error("trigger.kafka.batch.key", 7, 46, "Invalid expression: "));
    }

    @Test
    void cdcTriggerMistakes() {
        assertErrors("cdc-mistakes.yaml",
                error("trigger.cdc", 4, 3, "Missing required field 'tables'; list the tables to follow"),
                error("trigger.cdc.operations[1]", 6, 26, "Each operation must be one of insert, update, delete; found 'upsert'"),
                error("trigger.cdc.snapshot", 7, 15, "'snapshot' must be one of never, initial; found 'always'"));
    }

    @Test
    void scheduleTriggerMistakes() {
        assertErrors("schedule-mistakes.yaml",
                // Five Unix fields are accepted now (issue 13); a cron that can never fire is refused.
                error("trigger.schedule.cron", 5, 11, "'0 0 0 30 2 ?' never fires"),
                error("trigger.schedule.timezone", 6, 15, "Unknown time zone 'Europe/Londn'; use a region name such as "
                        + "Europe/London or UTC; did you mean 'Europe/London'?"),
                error("trigger.schedule.catchUp", 7, 14, "'catchUp' must be one of none, last, all; found 'every'"));
    }

    @Test
    void pollTriggerMistakes() {
        assertErrors("poll-mistakes.yaml",
                error("trigger.poll", 4, 3, "A poll trigger needs exactly one of 'every' (e.g. every: 1m) or 'cron' to say how "
                        + "often it polls; found none"),
                error("trigger.poll", 4, 3, "A poll trigger reads with exactly one of 'query' (SQL run over 'connection') or "
                        + "'action' (with 'with'); found both"),
                error("trigger.poll.query", 5, 5, "A poll 'query' needs a 'connection' to run against"),
                error("trigger.poll.initialCursor", 7, 20, "'initialCursor' must be a single value"));
    }

    @Test
    void manualTriggerTakesNoSettings() {
        assertErrors("manual-with-settings.yaml", error("trigger.manual.secret", 4, 13,
                "Unknown field 'secret'; a manual trigger takes no settings, write manual: {}"));
    }

    @Test
    void jsonSyntaxError() {
        assertErrors("json-syntax-error.json", error("", 7, 5, "The recipe is not well-formed JSON: "));
    }

    @Test
    void jsonDuplicateKey() {
        assertErrors("json-duplicate-key.json", error("name", 1, 33, "Duplicate key 'name' (first at line 1)"));
    }

    @Test
    void emptyDocuments() {
        assertErrors("empty.yaml", error("", 0, 0, "The recipe is empty"));
        assertErrors("comment-only.yaml", error("", 0, 0, "The recipe is empty"));
    }
}
