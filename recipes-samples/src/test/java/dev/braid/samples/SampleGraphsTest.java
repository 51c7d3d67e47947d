package dev.braid.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.graph.RecipeGraph;
import dev.braid.engine.parse.CheckedRecipe;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * The studio's graph (RecipeGraph, what {@code POST /api/v1/recipes/validate} answers) of every sample: its
 * node count (the trigger plus every step, nested ones included), each node at a line of the file, and
 * every step reachable from the trigger along the edges.
 */
class SampleGraphsTest {

    private static final RecipeParser PARSER = new RecipeParser(ConnectorRegistry.load(), Expressions.withDefaults());

    /** Counted by hand from the files: 1 (the trigger) + every step id. */
    private static final Map<String, Integer> NODES = Map.ofEntries(
            Map.entry("fraud-alert.yaml", 6),
            Map.entry("fraud-screening.yaml", 8),
            Map.entry("hello-webhook.yaml", 6),
            Map.entry("inventory-sync.yaml", 5),
            Map.entry("iot-telemetry.yaml", 4),
            Map.entry("nightly-etl.yaml", 9),
            Map.entry("order-fanout.yaml", 5),
            Map.entry("orders-to-warehouse.yaml", 4),
            Map.entry("reconcile-orders.yaml", 10),
            Map.entry("sync-echo.yaml", 3),
            Map.entry("warehouse-stub.yaml", 6));

    @Test
    void everySampleHasTheGraphOfItsSteps() throws IOException {
        assertThat(NODES.keySet()).containsExactlyInAnyOrderElementsOf(SamplesTest.index());
        for (String file : SamplesTest.index()) {
            String text = text(file);
            CheckedRecipe checked = PARSER.check(text, SourceFormat.YAML, null);
            assertThat(checked.errors()).as(file).isEmpty();
            RecipeGraph graph = RecipeGraph.of(checked.recipe(), checked.lines());

            assertThat(graph.nodes()).as(file).hasSize(NODES.get(file));
            assertThat(graph.count("trigger")).as(file).isEqualTo(1);
            int lines = (int) text.lines().count();
            assertThat(graph.nodes()).as(file).allSatisfy(n -> assertThat(n.line()).isBetween(1, lines));
            Set<String> ids = graph.nodes().stream().map(RecipeGraph.Node::id).collect(Collectors.toSet());
            assertThat(graph.edges()).as(file).allSatisfy(e -> assertThat(ids).contains(e.source(), e.target()));
            assertThat(reachable(graph)).as(file + ": every node reachable from the trigger").isEqualTo(ids);
        }
    }

    @Test
    void helloWebhookBranchesAndRejoins() throws IOException {
        CheckedRecipe checked = PARSER.check(text("hello-webhook.yaml"), SourceFormat.YAML, null);
        RecipeGraph graph = RecipeGraph.of(checked.recipe(), checked.lines());
        assertThat(graph.edges()).containsExactly(
                new RecipeGraph.Edge(RecipeGraph.TRIGGER, "greeting", null),
                new RecipeGraph.Edge("greeting", "audience", null),
                new RecipeGraph.Edge("audience", "vipLog", "then"),
                new RecipeGraph.Edge("audience", "guestLog", "else"),
                new RecipeGraph.Edge("vipLog", "done", null),
                new RecipeGraph.Edge("guestLog", "done", null));
    }

    private static Set<String> reachable(RecipeGraph graph) {
        Set<String> seen = new HashSet<>(Set.of(RecipeGraph.TRIGGER));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (RecipeGraph.Edge e : graph.edges()) {
                if (seen.contains(e.source()) && seen.add(e.target())) {
                    grew = true;
                }
            }
        }
        return seen;
    }

    static String text(String file) throws IOException {
        try (InputStream in = SampleGraphsTest.class.getResourceAsStream("/samples/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
