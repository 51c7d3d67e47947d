package dev.braid.engine.parse;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import dev.braid.engine.parse.Positions.Position;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads recipe text (YAML, or JSON as the YAML subset it is) into a Jackson tree, recording where
 * every value and key was written. SnakeYAML composes a node tree with marks; this class turns it
 * into JSON with the scalars resolved by their YAML tags (int, float, bool, null, string; dates stay
 * the text they were written as) and reports what a safe reader must refuse: duplicate keys, tags
 * other than the standard ones, alias bombs, recursive aliases, too deep nesting, too much text.
 */
final class SourceReader {

    static final int MAX_ALIASES_FOR_COLLECTIONS = 50;
    static final int MAX_NESTING_DEPTH = 100;
    static final int MAX_CODE_POINTS = 2 * 1024 * 1024;
    /** Values after aliases are expanded: far above any real recipe, far below what hurts a server. */
    static final int MAX_VALUES = 100_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

    private final Problems problems;
    private final Positions positions;
    private final String formatName;
    private final ScalarValues scalars;
    private final Set<Node> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private int values;

    private SourceReader(Problems problems, SourceFormat format) {
        this.problems = problems;
        this.positions = problems.positions();
        this.formatName = format == SourceFormat.JSON ? "JSON" : "YAML";
        this.scalars = new ScalarValues(loaderOptions());
    }

    /** The document as JSON, or null when it could not be read (the reason is in {@code problems}). */
    static JsonNode read(String source, SourceFormat format, Problems problems) {
        return new SourceReader(problems, format).read(source, format);
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setProcessComments(false);
        options.setWrappedToRootException(false);
        // Nothing is ever constructed from a tag here, so the composer may keep any tag: the converter
        // then reports every non-standard one with its place, together with the other problems.
        options.setTagInspector(tag -> true);
        return options;
    }

    private JsonNode read(String source, SourceFormat format) {
        if (source == null || source.isBlank()) {
            problems.at("", Position.UNKNOWN, "The recipe is empty");
            return null;
        }
        if (source.length() > MAX_CODE_POINTS && source.codePointCount(0, source.length()) > MAX_CODE_POINTS) {
            problems.at("", Position.UNKNOWN, "The recipe is larger than 2 MiB; a recipe is a small document, keep data out of it");
            return null;
        }
        String text = format == SourceFormat.JSON ? relaxJson(source) : source;
        Node root;
        try {
            root = new Yaml(loaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            syntaxError(e);
            return null;
        } catch (YAMLException e) {
            limitExceeded(text, e);
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            problems.at("", Position.UNKNOWN, "The recipe could not be read as " + formatName + "; check that it is well-formed");
            return null;
        }
        if (root == null) {
            problems.at("", Position.UNKNOWN, "The recipe is empty");
            return null;
        }
        try {
            return convert(root, "", 0);
        } catch (TooLarge e) {
            problems.at("", e.position, "The recipe holds more than " + MAX_VALUES + " values, counting what YAML aliases "
                    + "(*name) repeat; keep data out of the recipe and use fewer aliases");
            return null;
        }
    }

    // ---- conversion -------------------------------------------------------------------------

    private JsonNode convert(Node node, String path, int depth) {
        positions.value(path, node.getStartMark());
        if (++values > MAX_VALUES) {
            throw new TooLarge(Position.of(node.getStartMark()));
        }
        if (depth > MAX_NESTING_DEPTH) {
            problems.atValue(path, "The recipe nests lists and mappings more than " + MAX_NESTING_DEPTH
                    + " levels deep (counting what YAML aliases bring in); flatten it");
            return NODES.nullNode();
        }
        return switch (node) {
            case ScalarNode scalar -> scalar(scalar, path);
            case SequenceNode sequence -> collection(sequence, path, depth, Tag.SEQ);
            case MappingNode mapping -> collection(mapping, path, depth, Tag.MAP);
            default -> NODES.nullNode();
        };
    }

    private JsonNode collection(Node node, String path, int depth, Tag expected) {
        if (!node.getTag().equals(expected)) {
            unsupportedTag(node, path);
            return NODES.nullNode();
        }
        if (!inProgress.add(node)) {
            problems.atValue(path, "A YAML alias (*name) here refers to a list or mapping that contains it; "
                    + "a recipe cannot be recursive");
            return NODES.nullNode();
        }
        try {
            return node instanceof SequenceNode seq ? sequence(seq, path, depth) : mapping((MappingNode) node, path, depth);
        } finally {
            inProgress.remove(node);
        }
    }

    private ArrayNode sequence(SequenceNode node, String path, int depth) {
        ArrayNode out = NODES.arrayNode();
        List<Node> items = node.getValue();
        for (int i = 0; i < items.size(); i++) {
            out.add(convert(items.get(i), Positions.index(path, i), depth + 1));
        }
        return out;
    }

    private ObjectNode mapping(MappingNode node, String path, int depth) {
        ObjectNode out = NODES.objectNode();
        Map<String, Mark> keysSeen = new LinkedHashMap<>();
        List<Node> merges = new ArrayList<>();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode instanceof ScalarNode k && k.getTag().equals(Tag.MERGE)) {
                merges.add(tuple.getValueNode());
                continue;
            }
            if (!(keyNode instanceof ScalarNode keyScalar)) {
                problems.at(path, Position.of(keyNode.getStartMark()),
                        "A key must be plain text, not a list or a mapping; write it as a name");
                continue;
            }
            if (!SCALAR_TAGS.contains(keyScalar.getTag())) {
                unsupportedTag(keyScalar, path);
                continue;
            }
            String key = keyScalar.getValue();
            String childPath = Positions.child(path, key);
            Mark first = keysSeen.putIfAbsent(key, keyScalar.getStartMark());
            if (first != null) {
                problems.at(childPath, Position.of(keyScalar.getStartMark()), "Duplicate key '" + key + "' (first at line "
                        + (first.getLine() + 1) + "); a key may appear only once in a mapping, remove or rename one of them");
                continue;
            }
            positions.key(childPath, keyScalar.getStartMark());
            out.set(key, convert(tuple.getValueNode(), childPath, depth + 1));
        }
        for (Node merge : merges) {
            mergeInto(out, merge, path, depth);
        }
        return out;
    }

    /** {@code <<: *base} or {@code <<: [*a, *b]}: keys written here win, then earlier sources win. */
    private void mergeInto(ObjectNode out, Node merge, String path, int depth) {
        List<Node> sources = merge instanceof SequenceNode seq ? seq.getValue() : List.of(merge);
        for (Node source : sources) {
            if (!(source instanceof MappingNode)) {
                problems.at(path, Position.of(source.getStartMark()),
                        "A merge key '<<' takes a mapping or a list of mappings (usually an alias like *defaults)");
                continue;
            }
            JsonNode merged = convert(source, path, depth);
            if (merged instanceof ObjectNode mergedObject) {
                for (Map.Entry<String, JsonNode> e : mergedObject.properties()) {
                    if (!out.has(e.getKey())) {
                        out.set(e.getKey(), e.getValue());
                    }
                }
            }
        }
    }

    private JsonNode scalar(ScalarNode node, String path) {
        Tag tag = node.getTag();
        if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
            return NODES.stringNode(node.getValue());
        }
        if (tag.equals(Tag.NULL)) {
            return NODES.nullNode();
        }
        if (!SCALAR_TAGS.contains(tag)) {
            unsupportedTag(node, path);
            return NODES.nullNode();
        }
        Object value;
        try {
            value = scalars.value(node);
        } catch (RuntimeException e) {
            problems.atValue(path, "'" + node.getValue() + "' is not a valid " + (tag.equals(Tag.BOOL) ? "boolean" : "number")
                    + "; quote it if it is meant as text");
            return NODES.nullNode();
        }
        return switch (value) {
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i.intValue());
            case Long l -> NODES.numberNode(l.longValue());
            case BigInteger big -> NODES.numberNode(big);
            case Double d when d.isNaN() || d.isInfinite() -> {
                problems.atValue(path, "'" + node.getValue() + "' is not a number JSON can hold; use a finite number or quote it as text");
                yield NODES.nullNode();
            }
            case Number n -> NODES.numberNode(n.doubleValue());
            case null -> NODES.nullNode();
            default -> NODES.stringNode(node.getValue());
        };
    }

    private void unsupportedTag(Node node, String path) {
        String tag = node.getTag().getValue();
        if (tag.startsWith(Tag.PREFIX)) {
            tag = "!!" + tag.substring(Tag.PREFIX.length());
        }
        problems.at(path, Position.of(node.getStartMark()), "The YAML tag '" + tag + "' is not supported; a recipe holds plain "
                + "text, numbers, true/false, null, lists and mappings, so remove the tag");
    }

    // ---- errors of the YAML reader ----------------------------------------------------------

    private void syntaxError(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        boolean atEnd = e.getProblem() != null && e.getProblem().contains("end of stream");
        if (atEnd && e.getContextMark() != null) {
            // "Unexpected end" is found at the very end; the author needs the place that was left open.
            mark = e.getContextMark();
        }
        StringBuilder message = new StringBuilder("The recipe is not well-formed ").append(formatName).append(": ");
        if (atEnd && e.getContext() != null && e.getContext().contains("quoted scalar")) {
            problems.at("", Position.of(mark), message + "the quoted text that starts here is never closed; add the closing quote");
            return;
        }
        String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
        message.append(humane(problem));
        Mark context = e.getContextMark();
        if (e.getContext() != null && e.getProblem() != null) {
            message.append(" (").append(e.getContext().strip());
            if (context != null && (mark == null || context.getLine() != mark.getLine() || context.getColumn() != mark.getColumn())) {
                message.append(" that starts at line ").append(context.getLine() + 1)
                        .append(", column ").append(context.getColumn() + 1);
            }
            message.append(')');
        }
        message.append(formatName.equals("JSON")
                ? "; check the brackets, commas and quotes around this point"
                : "; check the indentation, the ': ' after each key and the quotes around this point");
        problems.at("", Position.of(mark), message.toString());
    }

    private static String humane(String problem) {
        if (problem == null) {
            return "it could not be read";
        }
        return problem.strip()
                .replace("<block end>", "the end of the indented block")
                .replace("'<block sequence start>'", "a list item ('- ')")
                .replace("'<block mapping start>'", "a new mapping")
                .replace("<block mapping end>", "the end of the mapping")
                .replace("<stream end>", "the end of the text")
                .replace("'<stream end>'", "the end of the text");
    }

    /** The YAML reader stops at a limit without saying where; find the place by reading the events again. */
    private void limitExceeded(String text, YAMLException e) {
        String detail = String.valueOf(e.getMessage());
        String message;
        if (detail.contains("aliases")) {
            message = "The recipe uses more than " + MAX_ALIASES_FOR_COLLECTIONS + " aliases (*name) of lists or mappings; "
                    + "aliases can blow a small text up into a huge document (a 'billion laughs' attack), so write the parts out";
        } else if (detail.toLowerCase().contains("nesting depth")) {
            message = "The recipe nests lists and mappings more than " + MAX_NESTING_DEPTH + " levels deep; flatten it";
        } else if (detail.contains("code points")) {
            message = "The recipe is larger than 2 MiB; a recipe is a small document, keep data out of it";
        } else {
            message = "The recipe could not be read as " + formatName + "; check that it is well-formed";
        }
        problems.at("", locateLimit(text), message);
    }

    private static Position locateLimit(String text) {
        try {
            Set<String> collectionAnchors = new HashSet<>();
            int aliases = 0;
            int depth = 0;
            for (Event event : new Yaml(loaderOptions()).parse(new StringReader(text))) {
                if (event instanceof CollectionStartEvent start) {
                    if (++depth > MAX_NESTING_DEPTH) {
                        return Position.of(event.getStartMark());
                    }
                    if (start.getAnchor() != null) {
                        collectionAnchors.add(start.getAnchor());
                    }
                } else if (event instanceof CollectionEndEvent) {
                    depth--;
                } else if (event instanceof AliasEvent alias) {
                    if (collectionAnchors.contains(alias.getAnchor()) && ++aliases > MAX_ALIASES_FOR_COLLECTIONS) {
                        return Position.of(event.getStartMark());
                    }
                } else if (event instanceof NodeEvent scalar && scalar.getAnchor() != null) {
                    collectionAnchors.remove(scalar.getAnchor());
                }
            }
        } catch (RuntimeException ignored) {
            // The place is a courtesy; the message stands without it.
        }
        return Position.UNKNOWN;
    }

    /**
     * JSON that YAML does not read as is: tabs between tokens (YAML forbids tabs as indentation) become
     * spaces, and the JSON escape {@code \/} becomes {@code /}. Neither changes a value.
     */
    static String relaxJson(String json) {
        if (json.indexOf('\t') < 0 && !json.contains("\\/")) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\' && i + 1 < json.length()) {
                    char next = json.charAt(++i);
                    if (next == '/') {
                        out.append('/');
                    } else {
                        out.append(c).append(next);
                    }
                    continue;
                }
                if (c == '"') {
                    inString = false;
                }
                out.append(c);
            } else {
                if (c == '"') {
                    inString = true;
                }
                out.append(c == '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }

    /** SnakeYAML's own reading of int, float and bool scalars (YAML 1.1: 0x1F, 1_000, yes/no). */
    private static final class ScalarValues extends SafeConstructor {
        ScalarValues(LoaderOptions options) {
            super(options);
        }

        Object value(ScalarNode node) {
            return constructObject(node);
        }
    }

    private static final class TooLarge extends RuntimeException {
        final transient Position position;

        TooLarge(Position position) {
            super(null, null, false, false);
            this.position = position;
        }
    }
}
