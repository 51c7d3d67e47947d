package dev.braid.connectors.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.braid.engine.spi.InputProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An {@code openapi.call}'s {@code operation}, {@code parameters} and {@code body} against the document: the
 * operation exists, every parameter is one of its own and every required one is given, each value and the body
 * fit their schemas. The same rules at save time (values as written: a template — a string with {@code {{} — is
 * left for the run) and at run time (values evaluated).
 */
final class CallCheck {

    private final OpenApiDocument document;
    private final boolean asWritten;
    private final List<InputProblem> problems = new ArrayList<>();

    private CallCheck(OpenApiDocument document, boolean asWritten) {
        this.document = document;
        this.asWritten = asWritten;
    }

    /**
     * @param asWritten true at save time: templates are not yet values and are skipped
     */
    static List<InputProblem> problems(OpenApiDocument document, JsonNode with, boolean asWritten) {
        CallCheck check = new CallCheck(document, asWritten);
        check.run(with);
        return check.problems;
    }

    private void run(JsonNode with) {
        JsonNode name = with.get("operation");
        if (name == null || !name.isString() || templated(name)) {
            return;   // missing or mistyped: the input schema says so; a template is known only when the step runs
        }
        Operation operation = document.operation(name.stringValue());
        if (operation == null) {
            List<String> known = document.operationIds();
            problems.add(new InputProblem("/operation", "Unknown operation '" + name.stringValue()
                    + "' in the connection's OpenAPI document" + Suggestion.didYouMean(name.stringValue(), known)
                    + "; its operations: " + Suggestion.list(known, 30)));
            return;
        }
        parameters(operation, with.get("parameters"));
        body(operation, with.get("body"));
    }

    private void parameters(Operation operation, JsonNode given) {
        if (given != null && !given.isObject()) {
            return;   // a template, or a wrong type the input schema reports
        }
        JsonNode values = given == null ? JsonNodeFactory.instance.objectNode() : given;
        for (Map.Entry<String, JsonNode> e : values.properties()) {
            Parameter parameter = operation.parameter(e.getKey());
            String at = "/parameters/" + escape(e.getKey());
            if (parameter == null) {
                problems.add(new InputProblem(at, "Operation " + operation.key() + " has no parameter '" + e.getKey() + "'"
                        + Suggestion.didYouMean(e.getKey(), operation.parameterNames()) + "; its parameters: "
                        + (operation.parameters().isEmpty() ? "none" : Suggestion.list(operation.parameters().stream()
                                .map(p -> p.name() + " (" + p.in() + (p.required() ? ", required" : "") + ")").toList(), 40))));
                continue;
            }
            if (e.getValue().isNull() || containsTemplate(e.getValue())) {
                continue;
            }
            for (SchemaCheck.Violation v : document.check(parameter.schema()).violations(ParameterValues.coerced(document, parameter, e.getValue()))) {
                problems.add(new InputProblem(at + pointer(v.path()), "Parameter '" + parameter.name() + "' of " + operation.key()
                        + ": " + v.message()));
            }
        }
        for (Parameter p : operation.parameters()) {
            if (p.required() && (!values.has(p.name()) || values.get(p.name()).isNull())) {
                // Pointing at the missing value itself: the recipe's error then names the line of 'parameters:'.
                problems.add(new InputProblem("/parameters/" + escape(p.name()), "Operation " + operation.key()
                        + " needs the " + p.in() + " parameter '" + p.name() + "'; add it under parameters:"
                        + (p.description() == null ? "" : " (" + p.description() + ")")));
            }
        }
    }

    private void body(Operation operation, JsonNode body) {
        boolean given = body != null && !body.isNull();
        RequestBody expected = operation.body();
        if (expected == null) {
            if (given) {
                problems.add(new InputProblem("/body", "Operation " + operation.key() + " takes no request body; remove body"));
            }
            return;
        }
        if (!given) {
            if (expected.required()) {
                problems.add(new InputProblem("", "Operation " + operation.key() + " needs a request body (" + expected.contentType()
                        + "); add body:"));
            }
            return;
        }
        if (!expected.isJson() && !expected.contentType().startsWith("application/x-www-form-urlencoded")) {
            return;   // text, XML or bytes: sent as given, not a JSON value to check
        }
        for (SchemaCheck.Violation v : document.check(expected.schema()).violations(body)) {
            if (!throughTemplate(body, v.path())) {
                problems.add(new InputProblem("/body" + pointer(v.path()), "The body of " + operation.key() + ": " + v.message()));
            }
        }
    }

    private boolean templated(JsonNode value) {
        return asWritten && value.isString() && value.stringValue().contains("{{");
    }

    private boolean containsTemplate(JsonNode value) {
        if (templated(value)) {
            return true;
        }
        for (JsonNode child : value.values()) {
            if (containsTemplate(child)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a violation at {@code path} is about a template, or about something a template holds. */
    private boolean throughTemplate(JsonNode value, List<Object> path) {
        JsonNode current = value;
        if (templated(current)) {
            return true;
        }
        for (Object segment : path) {
            current = segment instanceof Integer i ? current.path(i) : current.path(String.valueOf(segment));
            if (templated(current)) {
                return true;
            }
        }
        return false;
    }

    static String pointer(List<Object> path) {
        StringBuilder out = new StringBuilder();
        path.forEach(segment -> out.append('/').append(escape(String.valueOf(segment))));
        return out.toString();
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
