package dev.braid.connectors.core;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

import dev.braid.connectors.RecordingRunLog;
import dev.braid.connectors.RecordingRunLog.Line;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.RunLog.Level;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class CoreConnectorTest {

    private final CoreConnector core = new CoreConnector();
    private final Action log = core.actions().get("log");
    private final Action transform = core.actions().get("transform");
    private final RecordingRunLog runLog = new RecordingRunLog();

    @Test
    void namesItsActionsAndNeedsNoConnection() {
        assertThat(core.name()).isEqualTo("core");
        assertThat(core.actions()).containsOnlyKeys("log", "transform", "delay", "reconcile");
        // delay touches nothing outside the run, but its wait must be checkpointed: it is not pure.
        assertThat(core.actions().get("log").pure()).isTrue();
        assertThat(core.actions().get("transform").pure()).isTrue();
        assertThat(core.actions().get("delay").pure()).isFalse();
        assertThat(core.actions().get("reconcile").pure()).isTrue();
        assertThat(core.connectionSchema()).isEqualTo(json("{type: 'object'}"));
    }

    @Test
    void logWritesAtInfoByDefault() throws ActionException {
        JsonNode output = log.execute(aContext().log(runLog).build(), json("{message: 'order 7 received'}")).output();

        assertThat(runLog.lines()).containsExactly(new Line(Level.INFO, "order 7 received"));
        assertThat(output).isEqualTo(json("{message: 'order 7 received', level: 'info'}"));
    }

    @Test
    void logWritesAtEachLevel() throws ActionException {
        for (String level : new String[] {"debug", "info", "warn", "error"}) {
            log.execute(aContext().log(runLog).build(), json("{message: 'm', level: '" + level + "'}"));
        }

        assertThat(runLog.lines()).extracting(Line::level)
                .containsExactly(Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);
    }

    @Test
    void logWritesNonTextMessagesAsJson() throws ActionException {
        JsonNode output = log.execute(aContext().log(runLog).build(), json("{message: {order: 7, ok: true}}")).output();

        assertThat(runLog.lines()).containsExactly(new Line(Level.INFO, "{\"order\":7,\"ok\":true}"));
        assertThat(output.get("message").asString()).isEqualTo("{\"order\":7,\"ok\":true}");
    }

    @Test
    void logRefusesAnUnknownLevelWithoutWriting() {
        ActionException e = catchThrowableOfType(ActionException.class,
                () -> log.execute(aContext().log(runLog).build(), json("{message: 'm', level: 'loud'}")));

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("with.level", "debug", "error");
        assertThat(runLog.lines()).isEmpty();
    }

    @Test
    void logReportsEveryProblemAtOnce() {
        ActionException e = catchThrowableOfType(ActionException.class,
                () -> log.execute(aContext().build(), json("{level: 7, colour: 'red'}")));

        assertThat(e.getMessage()).contains("with.message: is required", "with.level: expected string", "with.colour");
    }

    @Test
    void transformReturnsItsValue() throws ActionException {
        JsonNode value = json("{order: 7, lines: [{sku: 'a', qty: 2}], note: null}");

        JsonNode output = transform.execute(aContext().build(), json("{value: " + value + "}")).output();

        assertThat(output).isEqualTo(json("{value: " + value + "}"));
    }

    @Test
    void transformAcceptsScalarsAndNull() throws ActionException {
        for (String value : new String[] {"3", "'text'", "true", "null", "[]"}) {
            JsonNode output = transform.execute(aContext().build(), json("{value: " + value + "}")).output();

            assertThat(output.get("value")).isEqualTo(json(value.replace('\'', '"')));
        }
    }

    @Test
    void transformOutputDoesNotShareNodesWithItsInput() throws ActionException {
        ObjectNode input = (ObjectNode) json("{value: {order: 7}}");

        JsonNode output = transform.execute(aContext().build(), input).output();
        ((ObjectNode) input.get("value")).put("order", 8);

        assertThat(output.get("value").get("order").asInt()).isEqualTo(7);
    }

    @Test
    void transformWithoutWithBlockNamesTheMissingValue() {
        ActionException e = catchThrowableOfType(ActionException.class, () -> transform.execute(aContext().build(), null));

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).isEqualTo("with.value: is required");
    }
}
