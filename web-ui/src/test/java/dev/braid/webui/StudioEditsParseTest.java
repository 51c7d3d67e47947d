package dev.braid.webui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.graph.RecipeGraph;
import dev.braid.engine.parse.CheckedRecipe;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The studio's graph edits checked by the server (issue 17): Vitest's property test ({@code edits.test.ts})
 * applies random sequences of graph edits to every sample recipe and writes each resulting YAML with the
 * graph the studio drew from its edits; here the engine's own {@link RecipeParser} must accept every one of
 * them and {@link RecipeGraph} — what {@code POST /api/v1/recipes/validate} answers — must be that graph.
 * The two graphs draw a {@code foreach} differently (the server adds {@code each}/{@code done} edges, the
 * studio draws the body inside a group), so both are compared in the shape they share.
 */
class StudioEditsParseTest {

    private static final Path CORPUS = Path.of("target/studio-edits/corpus.json");
    private static final RecipeParser PARSER = new RecipeParser(ConnectorRegistry.load(), Expressions.withDefaults());

    @Test
    void everyEditedRecipeIsValidForTheServerAndHasTheGraphTheStudioDrew() throws IOException {
        assertThat(CORPUS).as("written by Vitest's edits.test.ts, which Maven runs before this test").exists();
        JsonNode corpus = JsonMapper.shared().readTree(Files.readString(CORPUS));
        assertThat(corpus.size()).as("edited recipes").isGreaterThan(400);
        int edits = 0;
        for (JsonNode entry : corpus) {
            String yaml = entry.get("yaml").asString();
            String where = "after " + entry.get("ops") + " on " + entry.get("start").asString() + ":\n" + yaml;
            CheckedRecipe checked = PARSER.check(yaml, SourceFormat.YAML, null);
            assertThat(checked.errors()).as(where).isEmpty();
            RecipeGraph server = RecipeGraph.of(checked.recipe(), checked.lines());
            assertThat(nodes(server)).as(where).isEqualTo(studioNodes(entry.get("graph")));
            assertThat(edges(server)).as(where).containsExactlyInAnyOrderElementsOf(studioEdges(entry.get("graph")));
            edits += entry.get("ops").size();
        }
        assertThat(edits).as("graph edits applied").isGreaterThan(1000);
    }

    /** A node as both sides describe it: its kind, the if/foreach holding it and which branch of an if. */
    record Node(String id, String kind, String owner, String branch, String action, String recipe) {}

    record Edge(String source, String target, String label) {}

    private static List<Node> nodes(RecipeGraph graph) {
        return graph.nodes().stream()
                .map(n -> new Node(n.id(), n.kind(), n.parent(), n.branch(),
                        "action".equals(n.kind()) ? n.action() : null, n.recipe()))
                .toList();
    }

    private static List<Node> studioNodes(JsonNode graph) {
        List<Node> out = new ArrayList<>();
        for (JsonNode n : graph.get("nodes")) {
            String kind = n.get("kind").asString();
            String id = "trigger".equals(kind) ? RecipeGraph.TRIGGER : n.get("id").asString();
            String branch = text(n, "branch");
            out.add(new Node(id, kind, text(n, "owner"), "steps".equals(branch) ? null : branch,
                    "action".equals(kind) ? text(n, "detail") : null, text(n, "recipe")));
        }
        return out;
    }

    /** The server's edges without {@code each} (the studio draws a body inside its group), {@code done} unlabelled. */
    private static List<Edge> edges(RecipeGraph graph) {
        return graph.edges().stream()
                .filter(e -> !"each".equals(e.label()))
                .map(e -> new Edge(e.source(), e.target(), "done".equals(e.label()) ? null : e.label()))
                .toList();
    }

    private static List<Edge> studioEdges(JsonNode graph) {
        List<Edge> out = new ArrayList<>();
        for (JsonNode e : graph.get("edges")) {
            out.add(new Edge(triggerId(e.get("source").asString()), triggerId(e.get("target").asString()), text(e, "label")));
        }
        return out;
    }

    private static String triggerId(String id) {
        return Objects.equals(id, "__trigger") ? RecipeGraph.TRIGGER : id;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
