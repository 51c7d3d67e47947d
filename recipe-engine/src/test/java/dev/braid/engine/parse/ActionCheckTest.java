package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;
import dev.braid.engine.spi.InputProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An action's own save-time check ({@link Action#check}) of a step against its connection's settings: called with
 * the step's {@code with:} as written and the connection's settings, its problems reported at the lines of the values
 * they name — or, for something missing, at the key of the nearest enclosing value that is written.
 */
class ActionCheckTest {

    /** What the fake action was asked to check: (with, connection settings). */
    private final List<JsonNode[]> checked = new ArrayList<>();

    private final Action call = new Action() {
        @Override
        public JsonNode inputSchema() {
            return JsonNodeFactory.instance.objectNode();
        }

        @Override
        public List<InputProblem> check(JsonNode with, JsonNode connection) {
            checked.add(new JsonNode[] {with, connection});
            List<InputProblem> problems = new ArrayList<>();
            if (with.path("parameters").has("staus")) {
                problems.add(new InputProblem("/parameters/staus", "no parameter 'staus'; did you mean 'status'?"));
                problems.add(new InputProblem("/parameters/status", "needs the parameter 'status'"));
            }
            if (with.path("body").path("tags").path(1).has("id")) {
                problems.add(new InputProblem("/body/tags/1/id", "expected integer"));
            }
            if (!with.has("body")) {
                problems.add(new InputProblem("", "needs a body"));
            }
            return problems;
        }

        @Override
        public ActionResult execute(ActionContext ctx, JsonNode input) {
            return ActionResult.of(JsonNodeFactory.instance.objectNode());
        }
    };

    private final RecipeParser parser = new RecipeParser(new ConnectorRegistry(List.of(new Connector() {
        @Override
        public String name() {
            return "api";
        }

        @Override
        public Map<String, Action> actions() {
            return Map.of("call", call);
        }
    })), Expressions.withDefaults());

    private static final JsonNode SETTINGS = JsonNodeFactory.instance.objectNode().put("document", "openapi: 3.1.0");

    private static final ConnectionTypes TYPES = new ConnectionTypes() {
        @Override
        public Optional<String> connectorOf(String name) {
            return Optional.ofNullable(Map.of("pets", "api", "crm", "http").get(name));
        }

        @Override
        public Optional<JsonNode> settingsOf(String name) {
            return "pets".equals(name) ? Optional.of(SETTINGS) : Optional.empty();
        }
    };

    private List<String> errors(String yaml) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(yaml, SourceFormat.YAML, TYPES));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors().stream().map(v -> v.line() + ":" + v.column() + " " + v.path() + " " + v.message()).toList();
    }

    @Test
    void problemsPointAtTheValuesTheyNameOrAtTheKeyAboveWhatIsMissing() {
        List<String> errors = errors("""
                slug: pets
                name: Pets
                trigger:
                  manual: {}
                steps:
                  - id: find
                    action: api.call
                    connection: pets
                    with:
                      parameters:
                        staus: sold
                      body:
                        tags:
                          - { id: 1 }
                          - { id: x }
                  - id: again
                    action: api.call
                    connection: pets
                    with:
                      parameters: { limit: 1 }
                """);

        assertThat(errors).containsExactly(
                "10:7 steps[0].with.parameters needs the parameter 'status'",
                "11:16 steps[0].with.parameters.staus no parameter 'staus'; did you mean 'status'?",
                "15:19 steps[0].with.body.tags[1].id expected integer",
                "19:5 steps[1].with needs a body");
        assertThat(checked).hasSize(2);
        assertThat(checked.getFirst()[1]).isEqualTo(SETTINGS);
        assertThat(checked.getFirst()[0].path("parameters").path("staus").asString()).isEqualTo("sold");
    }

    @Test
    void aStepWithoutWithIsCheckedAsAnEmptyBlockAndPointsAtItsAction() {
        assertThat(errors("""
                slug: pets
                name: Pets
                trigger:
                  manual: {}
                steps:
                  - id: find
                    action: api.call
                    connection: pets
                """)).containsExactly("7:5 steps[0].action needs a body");
    }

    @Test
    void notCalledWhenTheConnectionIsMissingOrOfAnotherConnector() {
        List<String> errors = errors("""
                slug: pets
                name: Pets
                trigger:
                  manual: {}
                steps:
                  - id: a
                    action: api.call
                    connection: nowhere
                  - id: b
                    action: api.call
                    connection: crm
                """);

        assertThat(errors).hasSize(2).allMatch(e -> e.contains("connection"));
        assertThat(checked).isEmpty();
    }
}
