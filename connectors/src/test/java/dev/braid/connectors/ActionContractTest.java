package dev.braid.connectors;

import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The contract every action passes: a closed object schema, a dry run without effects, the step's
 * idempotency key forwarded where the target can use it, and errors that say whether to retry.
 * An implementation's test is one line:
 *
 * <pre>{@code
 * class LogActionContractTest extends ActionContractTest {
 *   protected ActionFixture fixture() { return ActionFixture.pure(new LogAction(), object("{message: 'hi'}")); }
 * }
 * }</pre>
 */
public abstract class ActionContractTest {

    private ActionFixture fixture;

    protected abstract ActionFixture fixture();

    @BeforeEach
    void openFixture() {
        fixture = fixture();
    }

    @AfterEach
    void closeFixture() {
        fixture.close();
    }

    private Action action() {
        return fixture.action();
    }

    @Test
    void inputSchemaIsAClosedObjectSchema() {
        JsonNode schema = action().inputSchema();

        assertThat(schema.path("type").asString()).isEqualTo("object");
        assertThat(schema.path("properties").isObject()).as("properties").isTrue();
        assertThat(schema.path("additionalProperties").isBoolean()
                && !schema.path("additionalProperties").booleanValue()).as("additionalProperties: false").isTrue();
        assertThat(schema.path("required").isArray()).as("required").isTrue();
        for (JsonNode name : schema.path("required")) {
            assertThat(schema.path("properties").has(name.asString())).as("required '%s' is a property", name).isTrue();
        }
        for (JsonNode property : schema.path("properties").values()) {
            assertThat(property.path("description").asString()).as("every property is described").isNotBlank();
        }
    }

    @Test
    void describesItself() {
        assertThat(action().description()).isNotBlank();
    }

    @Test
    void validInputSucceeds() throws ActionException {
        ActionResult result = action().execute(ctx().build(), fixture.validInput());

        assertThat(result.output().isObject()).isTrue();
    }

    @Test
    void dryRunHasNoEffect() throws ActionException {
        int before = fixture.effects();

        ActionResult dry = action().execute(ctx().dryRun(true).build(), fixture.validInput());

        assertThat(fixture.effects()).isEqualTo(before);
        if (action().pure()) {
            // Pure actions run in a dry run, and must answer exactly what they answer for real.
            assertThat(dry).isEqualTo(action().execute(ctx().build(), fixture.validInput()));
        }
    }

    @Test
    void forwardsTheStepIdempotencyKey() throws ActionException {
        assumeThat(fixture.forwardsIdempotencyKey()).as("the action forwards an idempotency key").isTrue();

        action().execute(ctx().runId("run-42").stepPath("lines[2].reserve").build(), fixture.validInput());
        action().execute(ctx().runId("run-42").stepPath("lines[2].reserve").attempt(2).build(), fixture.validInput());

        assertThat(fixture.idempotencyKeysReceived())
                .as("the same key on every attempt of the step")
                .containsExactly("run-42/lines[2].reserve", "run-42/lines[2].reserve");
    }

    @Test
    void unknownInputPropertyIsFatalAndNamed() {
        ObjectNode input = fixture.validInput().deepCopy();
        input.put("noSuchOption", true);
        int before = fixture.effects();

        ActionException e = failure(input);

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("noSuchOption");
        assertThat(fixture.effects()).as("invalid input never reaches the target").isEqualTo(before);
    }

    @Test
    void missingRequiredInputIsFatalAndNamed() {
        List<String> required = new ArrayList<>();
        action().inputSchema().path("required").forEach(name -> required.add(name.asString()));
        assumeThat(required).as("the action requires some input").isNotEmpty();

        for (String name : required) {
            ObjectNode input = fixture.validInput().deepCopy();
            input.remove(name);

            ActionException e = failure(input);

            assertThat(e.retryable()).isFalse();
            assertThat(e.type()).isEqualTo("input.invalid");
            assertThat(e.getMessage()).contains(name);
        }
    }

    @Test
    void transientFailureIsRetryable() {
        assumeThat(fixture.transientFailureInput()).as("the action can fail transiently").isPresent();

        ActionException e = failure(fixture.transientFailureInput().orElseThrow());

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).matches("[a-z0-9_]+\\.[a-z0-9_.]+");
    }

    @Test
    void permanentFailureIsFatal() {
        assumeThat(fixture.permanentFailureInput()).as("the action can fail permanently").isPresent();

        ActionException e = failure(fixture.permanentFailureInput().orElseThrow());

        assertThat(e.retryable()).isFalse();
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.type()).matches("[a-z0-9_]+\\.[a-z0-9_.]+");
    }

    @Test
    void connectionSecretsNeverShowInOutputsOrErrors() throws ActionException {
        assumeThat(fixture.secretValues()).as("the fixture's connection has secret fields").isNotEmpty();

        List<String> texts = new java.util.ArrayList<>();
        texts.add(action().execute(ctx().build(), fixture.validInput()).output().toString());
        texts.add(action().execute(ctx().dryRun(true).build(), fixture.validInput()).output().toString());
        fixture.transientFailureInput().ifPresent(input -> texts.add(failure(input).getMessage()));
        fixture.permanentFailureInput().ifPresent(input -> texts.add(failure(input).getMessage()));

        for (String secret : fixture.secretValues()) {
            assertThat(texts).noneMatch(text -> text.contains(secret));
        }
    }

    private TestActionContext.Builder ctx() {
        return aContext().connection(fixture.connection());
    }

    private ActionException failure(JsonNode input) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> action().execute(ctx().build(), input));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }
}
