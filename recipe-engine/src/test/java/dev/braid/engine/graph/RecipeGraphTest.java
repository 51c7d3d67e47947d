package dev.braid.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.graph.RecipeGraph.Edge;
import dev.braid.engine.graph.RecipeGraph.Node;
import dev.braid.engine.parse.CheckedRecipe;
import dev.braid.engine.parse.FakeConnectors;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;

class RecipeGraphTest {

    private static final RecipeParser PARSER = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    private static final String BRANCHING = """
            slug: branching
            name: Branching
            trigger:
              webhook: {}
            steps:
              # look the customer up first
              - id: lookup
                action: http.request
                with: { method: GET, url: "https://crm.example/c" }
              - id: big
                if: "trigger.body.amount > 1000"
                then:
                  - id: alert
                    action: core.log
                    with: { message: big }
                  - id: done
                    stop: { output: "{{ 'big' }}" }
                else:
                  - id: small
                    action: core.log
                    with: { message: small }
              - id: lines
                foreach: "trigger.body.items"
                chunk: 100
                parallel: 4
                steps:
                  - id: each
                    action: core.transform
                    with: { value: "{{ item }}" }
              - id: child
                call: other-recipe
                with: { a: 1 }
              - id: nope
                fail: "no"
            """;

    @Test
    void aBranchingRecipeBecomesNodesAndEdgesInExecutionOrder() {
        CheckedRecipe checked = PARSER.check(BRANCHING, SourceFormat.YAML, null);
        assertThat(checked.errors()).isEmpty();
        RecipeGraph graph = RecipeGraph.of(checked.recipe(), checked.lines());

        assertThat(graph.nodes()).extracting(Node::id)
                .containsExactly("$trigger", "lookup", "big", "alert", "done", "small", "lines", "each", "child", "nope");
        assertThat(graph.nodes()).extracting(Node::kind)
                .containsExactly("trigger", "action", "if", "action", "stop", "action", "foreach", "action", "call", "fail");
        assertThat(graph.nodes()).extracting(Node::line).containsExactly(3, 7, 10, 13, 16, 19, 22, 27, 30, 33);
        Node alert = node(graph, "alert");
        assertThat(alert.parent()).isEqualTo("big");
        assertThat(alert.branch()).isEqualTo("then");
        assertThat(alert.action()).isEqualTo("core.log");
        assertThat(node(graph, "small").branch()).isEqualTo("else");
        Node lines = node(graph, "lines");
        assertThat(lines.chunk()).isEqualTo(100);
        assertThat(lines.parallel()).isEqualTo(4);
        assertThat(node(graph, "each").parent()).isEqualTo("lines");
        assertThat(node(graph, "each").branch()).isNull();
        assertThat(node(graph, "child").recipe()).isEqualTo("other-recipe");

        assertThat(graph.edges()).containsExactly(
                new Edge("$trigger", "lookup", null),
                new Edge("lookup", "big", null),
                new Edge("big", "alert", "then"),
                new Edge("alert", "done", null),
                new Edge("big", "small", "else"),
                // the then-branch ends at a stop: only the else-branch rejoins
                new Edge("small", "lines", null),
                new Edge("lines", "each", "each"),
                new Edge("lines", "child", "done"),
                new Edge("child", "nope", null));
    }

    @Test
    void anIfWithoutElseGoesStraightOnWhenTheConditionDoesNotHold() {
        String yaml = """
                slug: no-else
                name: No else
                trigger: { manual: {} }
                steps:
                  - id: check
                    if: "true"
                    then:
                      - { id: a, action: core.log, with: { message: a } }
                  - { id: after, action: core.log, with: { message: b } }
                """;
        CheckedRecipe checked = PARSER.check(yaml, SourceFormat.YAML, null);
        RecipeGraph graph = RecipeGraph.of(checked.recipe(), checked.lines());
        assertThat(graph.edges()).containsExactly(
                new Edge("$trigger", "check", null),
                new Edge("check", "a", "then"),
                new Edge("a", "after", null),
                new Edge("check", "after", "else"));
    }

    @Test
    void aRecipeWithProblemsStillShowsTheStepsThatCouldBeRead() {
        String yaml = """
                slug: Bad Slug
                name: Half right
                trigger: { webhook: {} }
                steps:
                  - { id: one, action: http.requets, with: { url: x } }
                  - { action: core.log, with: { message: no id } }
                  - { id: three, action: core.log, with: { message: ok } }
                """;
        CheckedRecipe checked = PARSER.check(yaml, SourceFormat.YAML, null);
        assertThat(checked.valid()).isFalse();
        assertThat(checked.errors()).extracting(e -> e.line()).containsExactly(1, 5, 6);
        RecipeGraph graph = RecipeGraph.of(checked.recipe(), checked.lines());
        assertThat(graph.nodes()).extracting(Node::id).containsExactly("$trigger", "one", "three");
    }

    @Test
    void unreadableTextHasTheEmptyGraph() {
        CheckedRecipe checked = PARSER.check("slug: x\n  name: [", SourceFormat.YAML, null);
        assertThat(checked.recipe()).isNull();
        assertThat(checked.errors()).hasSize(1);
        assertThat(checked.errors().getFirst().line()).isPositive();
        assertThat(RecipeGraph.of(checked.recipe(), checked.lines()).toJson().toString())
                .isEqualTo("{\"nodes\":[],\"edges\":[]}");
    }

    private static Node node(RecipeGraph graph, String id) {
        return graph.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }
}
