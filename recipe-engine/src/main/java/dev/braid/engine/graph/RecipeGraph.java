package dev.braid.engine.graph;

import java.util.ArrayList;
import java.util.List;

import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Step;
import dev.braid.engine.parse.SourceLines;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A recipe as nodes and edges in execution order (issue 17): the trigger, then each step; an {@code if}
 * leads to the first step of each branch (edges labelled {@code then}/{@code else}, straight to what
 * follows when a branch is empty or missing) and both branches rejoin the next step; a {@code foreach}
 * leads to the first step of its body ({@code each}) and, when done, to the next step ({@code done});
 * {@code stop} and {@code fail} end their path. Steps inside an {@code if} or {@code foreach} name it as
 * their {@code parent}; inside an {@code if} also their {@code branch}.
 *
 * <pre>{@code
 * RecipeGraph graph = RecipeGraph.of(checked.recipe(), checked.lines());
 * graph.toJson();  // {"nodes":[{"id":"$trigger","kind":"trigger","label":"webhook","line":3}, ...], "edges":[...]}
 * }</pre>
 */
public record RecipeGraph(List<Node> nodes, List<Edge> edges) {

    /** The trigger node's id; it cannot clash with a step id, which never starts with '$'. */
    public static final String TRIGGER = "$trigger";

    public static final RecipeGraph EMPTY = new RecipeGraph(List.of(), List.of());

    public RecipeGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /**
     * One node. {@code kind} is {@code trigger} or a step kind ({@code action}, {@code if}, {@code foreach},
     * {@code call}, {@code stop}, {@code fail}); the optional fields are null where they do not apply.
     */
    public record Node(String id, String kind, String label, int line, String parent, String branch, String action,
                       String recipe, Integer chunk, Integer parallel) {}

    /** From {@code source} to {@code target}; {@code label} is {@code then}, {@code else}, {@code each}, {@code done} or null. */
    public record Edge(String source, String target, String label) {}

    /** The graph of {@code recipe} (null: the empty graph), its nodes pointing at {@code lines}. */
    public static RecipeGraph of(Recipe recipe, SourceLines lines) {
        if (recipe == null) {
            return EMPTY;
        }
        Builder b = new Builder(lines == null ? SourceLines.NONE : lines);
        List<Exit> from = new ArrayList<>();
        if (recipe.trigger() != null) {
            String type = recipe.trigger().type().wire();
            b.nodes.add(new Node(TRIGGER, "trigger", type, b.lines.trigger(), null, null, null, null, null, null));
            from.add(new Exit(TRIGGER, null));
        }
        b.sequence(recipe.steps(), null, null, from);
        return new RecipeGraph(b.nodes, b.edges);
    }

    public long count(String kind) {
        return nodes.stream().filter(n -> n.kind().equals(kind)).count();
    }

    /** {@code {nodes: [...], edges: [...]}} with the fields that do not apply left out. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        ArrayNode ns = out.putArray("nodes");
        for (Node n : nodes) {
            ObjectNode o = ns.addObject();
            o.put("id", n.id());
            o.put("kind", n.kind());
            o.put("label", n.label());
            o.put("line", n.line());
            putIfSet(o, "parent", n.parent());
            putIfSet(o, "branch", n.branch());
            putIfSet(o, "action", n.action());
            putIfSet(o, "recipe", n.recipe());
            if (n.chunk() != null) {
                o.put("chunk", n.chunk());
            }
            if (n.parallel() != null) {
                o.put("parallel", n.parallel());
            }
        }
        ArrayNode es = out.putArray("edges");
        for (Edge e : edges) {
            ObjectNode o = es.addObject();
            o.put("source", e.source());
            o.put("target", e.target());
            putIfSet(o, "label", e.label());
        }
        return out;
    }

    private static void putIfSet(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    /** A node whose path continues to whatever comes next, along an edge with this label. */
    private record Exit(String node, String label) {}

    private static final class Builder {
        final SourceLines lines;
        final List<Node> nodes = new ArrayList<>();
        final List<Edge> edges = new ArrayList<>();

        Builder(SourceLines lines) {
            this.lines = lines;
        }

        /** Adds {@code steps} one after another, entered from {@code from}; answers the exits of the last. */
        List<Exit> sequence(List<Step> steps, String parent, String branch, List<Exit> from) {
            List<Exit> open = from;
            for (Step step : steps) {
                for (Exit e : open) {
                    edges.add(new Edge(e.node(), step.id(), e.label()));
                }
                open = step(step, parent, branch);
            }
            return open;
        }

        private List<Exit> step(Step step, String parent, String branch) {
            int line = lines.step(step.id());
            String id = step.id();
            return switch (step) {
                case Step.ActionStep a -> {
                    nodes.add(new Node(id, "action", id, line, parent, branch, a.action(), null, null, null));
                    yield List.of(new Exit(id, null));
                }
                case Step.CallStep c -> {
                    nodes.add(new Node(id, "call", id, line, parent, branch, null, c.recipe(), null, null));
                    yield List.of(new Exit(id, null));
                }
                case Step.IfStep i -> {
                    nodes.add(new Node(id, "if", id, line, parent, branch, null, null, null, null));
                    List<Exit> out = new ArrayList<>(sequence(i.then(), id, "then", List.of(new Exit(id, "then"))));
                    out.addAll(sequence(i.otherwise(), id, "else", List.of(new Exit(id, "else"))));
                    yield out;
                }
                case Step.ForeachStep f -> {
                    nodes.add(new Node(id, "foreach", id, line, parent, branch, null, null,
                            f.chunk() > 0 ? f.chunk() : null, f.parallel()));
                    sequence(f.steps(), id, null, List.of(new Exit(id, "each")));
                    yield List.of(new Exit(id, "done"));
                }
                case Step.StopStep s -> {
                    nodes.add(new Node(id, "stop", id, line, parent, branch, null, null, null, null));
                    yield List.of();
                }
                case Step.FailStep s -> {
                    nodes.add(new Node(id, "fail", id, line, parent, branch, null, null, null, null));
                    yield List.of();
                }
            };
        }
    }
}
