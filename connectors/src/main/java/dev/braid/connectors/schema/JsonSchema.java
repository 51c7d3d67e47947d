package dev.braid.connectors.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON Schema that a connector both publishes ({@code inputSchema()}) and enforces, so the two
 * never drift apart. Only the keywords the built-in schemas need are supported; {@link #parse}
 * rejects any other validation keyword, because a schema promising a rule nobody checks is worse
 * than no schema.
 *
 * <pre>{@code
 * JsonSchema schema = JsonSchema.parse("""
 *     {"type": "object", "properties": {"value": {}}, "required": ["value"], "additionalProperties": false}""");
 * schema.requireValid(input, "with");   // ActionException input.invalid listing every problem
 * }</pre>
 */
public final class JsonSchema {

    /** The error type of every violation: the step's configuration is wrong, retrying cannot help. */
    public static final String INVALID = "input.invalid";

    private static final Set<String> VALIDATING = Set.of(
            "type", "enum", "pattern", "minLength", "properties", "required", "additionalProperties", "items");
    /** {@code x-secret: true} marks a connection setting stored encrypted and never shown back. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "title", "description", "default", "examples",
            "x-secret");

    private final JsonNode schema;
    private final Map<String, Pattern> patterns;

    private JsonSchema(JsonNode schema, Map<String, Pattern> patterns) {
        this.schema = schema;
        this.patterns = patterns;
    }

    public static JsonSchema parse(String json) {
        JsonNode node = JsonMapper.shared().readTree(json);
        Map<String, Pattern> patterns = new HashMap<>();
        checkKeywords(node, "#", patterns);
        return new JsonSchema(node, Map.copyOf(patterns));
    }

    /** A copy of the schema document: callers may not mutate the one this validator enforces. */
    public JsonNode node() {
        return schema.deepCopy();
    }

    /** Throws a fatal {@code input.invalid} naming every violation, or returns quietly. */
    public void requireValid(JsonNode value, String root) throws ActionException {
        List<String> problems = violations(value, root);
        if (!problems.isEmpty()) {
            throw ActionException.fatal(INVALID, String.join("; ", problems));
        }
    }

    /** Every violation, each prefixed with its path below {@code root} ({@code with.headers.Accept}). */
    public List<String> violations(JsonNode value, String root) {
        List<String> problems = new ArrayList<>();
        validate(schema, value, root, problems);
        return problems;
    }

    private void validate(JsonNode rule, JsonNode value, String path, List<String> problems) {
        JsonNode type = rule.get("type");
        if (type != null && !matchesType(type, value)) {
            problems.add(path + ": expected " + describe(type) + ", got " + typeOf(value));
            return;
        }
        JsonNode allowed = rule.get("enum");
        if (allowed != null && !contains(allowed, value)) {
            problems.add(path + ": must be one of " + allowed);
        }
        if (value.isString()) {
            validateString(rule, value.stringValue(), path, problems);
        }
        if (value.isObject()) {
            validateObject(rule, value, path, problems);
        }
        JsonNode items = rule.get("items");
        if (value.isArray() && items != null) {
            for (int i = 0; i < value.size(); i++) {
                validate(items, value.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    private void validateString(JsonNode rule, String text, String path, List<String> problems) {
        JsonNode minLength = rule.get("minLength");
        if (minLength != null && text.codePointCount(0, text.length()) < minLength.asInt()) {
            problems.add(path + (text.isEmpty() ? ": must not be empty" : ": is shorter than " + minLength.asInt()));
        }
        JsonNode pattern = rule.get("pattern");
        // JSON Schema patterns are unanchored searches, hence find() rather than matches().
        if (pattern != null && !patterns.get(pattern.stringValue()).matcher(text).find()) {
            problems.add(path + ": '" + text + "' does not match " + pattern.stringValue());
        }
    }

    private void validateObject(JsonNode rule, JsonNode value, String path, List<String> problems) {
        JsonNode properties = rule.path("properties");
        for (JsonNode name : rule.path("required")) {
            if (!value.has(name.stringValue())) {
                problems.add(path + "." + name.stringValue() + ": is required");
            }
        }
        JsonNode additional = rule.get("additionalProperties");
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            String childPath = path + "." + e.getKey();
            JsonNode childRule = properties.get(e.getKey());
            if (childRule != null) {
                validate(childRule, e.getValue(), childPath, problems);
            } else if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
                problems.add(childPath + ": unknown property; allowed are " + properties.propertyNames());
            } else if (additional != null && additional.isObject()) {
                validate(additional, e.getValue(), childPath, problems);
            }
        }
    }

    private static boolean matchesType(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (matchesType(t, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.stringValue()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isString();
            case "number" -> value.isNumber();
            // JSON does not distinguish 2 from 2.0; JSON Schema counts both as integers.
            case "integer" -> value.isIntegralNumber()
                    || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private static boolean contains(JsonNode allowed, JsonNode value) {
        for (JsonNode candidate : allowed) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(JsonNode type) {
        if (!type.isArray()) {
            return type.stringValue();
        }
        List<String> names = new ArrayList<>();
        type.forEach(t -> names.add(t.stringValue()));
        return String.join(" or ", names);
    }

    private static String typeOf(JsonNode value) {
        if (value.isObject()) {
            return "object";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isString()) {
            return "string";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        return "null";
    }

    private static void checkKeywords(JsonNode rule, String where, Map<String, Pattern> patterns) {
        if (!rule.isObject()) {
            throw new IllegalArgumentException(where + ": a schema must be an object");
        }
        for (Map.Entry<String, JsonNode> e : rule.properties()) {
            String keyword = e.getKey();
            if (!VALIDATING.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                throw new IllegalArgumentException(where + ": keyword '" + keyword + "' is not enforced by JsonSchema");
            }
        }
        if (rule.has("pattern")) {
            String regex = rule.get("pattern").stringValue();
            patterns.put(regex, Pattern.compile(regex));
        }
        for (Map.Entry<String, JsonNode> p : rule.path("properties").properties()) {
            checkKeywords(p.getValue(), where + "/properties/" + p.getKey(), patterns);
        }
        JsonNode additional = rule.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            checkKeywords(additional, where + "/additionalProperties", patterns);
        }
        if (rule.has("items")) {
            checkKeywords(rule.get("items"), where + "/items", patterns);
        }
    }
}
