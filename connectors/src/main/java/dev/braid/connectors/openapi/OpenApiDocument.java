package dev.braid.connectors.openapi;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;

import tools.jackson.databind.JsonNode;

/**
 * One OpenAPI 3.0 or 3.1 document, read once: its operations by {@code operationId} (and by
 * {@code "GET /pets/{id}"}, for operations without one), their parameters with path-level ones merged in,
 * request bodies, and the first server. Local {@code $ref}s ({@code #/components/...}) are followed;
 * references to other files are refused with the advice to bundle the document.
 */
final class OpenApiDocument {

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final JsonNode root;
    private final String version;
    private final String server;
    private final Map<String, Operation> operations;
    private final Map<String, Operation> byRoute = new LinkedHashMap<>();
    private final SchemaRegistry registry;
    private final Map<JsonNode, SchemaCheck> checks = new ConcurrentHashMap<>();

    private OpenApiDocument(JsonNode root, String version, String server, Map<String, Operation> operations) {
        this.root = root;
        this.version = version;
        this.server = server;
        this.operations = operations;
        operations.values().forEach(o -> byRoute.putIfAbsent(o.method() + " " + o.path(), o));
        Dialect dialect = version.startsWith("3.1") ? Dialects.getOpenApi31() : Dialects.getOpenApi30();
        // SchemaCheck roots each schema beside the document's components: a keyword to carry, not to check.
        this.registry = SchemaRegistry.withDialect(Dialect.builder(dialect).keyword(new NonValidationKeyword("components")).build(),
                // A document's schemas may only point inside it: nothing is fetched, no file or class path is read.
                builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)
                        .block(iri -> !iri.toString().startsWith("https://spec.openapis.org/")
                                && !iri.toString().startsWith("https://json-schema.org/")
                                && !iri.toString().startsWith("http://json-schema.org/"))));
    }

    /**
     * @param source where the document came from, to resolve a relative server URL against; {@code null} for
     *               a document given as text
     */
    static OpenApiDocument read(JsonNode root, URI source) throws DocumentException {
        if (root == null || !root.isObject()) {
            throw new DocumentException("is not an OpenAPI document: expected a mapping with 'openapi', 'info' and 'paths'");
        }
        String version = root.path("openapi").asString("");
        if (!version.startsWith("3.0") && !version.startsWith("3.1")) {
            throw new DocumentException(root.has("swagger")
                    ? "is a Swagger 2.0 document; convert it to OpenAPI 3 (e.g. with swagger2openapi) and paste that"
                    : "is not an OpenAPI 3.0 or 3.1 document: 'openapi' is " + (version.isEmpty() ? "missing" : "'" + version + "'"));
        }
        Map<String, Operation> operations = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
            JsonNode item = resolve(root, path.getValue(), "paths." + path.getKey());
            List<Parameter> shared = parameters(root, item.path("parameters"), "paths." + path.getKey());
            for (String method : METHODS) {
                JsonNode op = item.get(method);
                if (op == null || !op.isObject()) {
                    continue;
                }
                String where = "paths." + path.getKey() + "." + method;
                Map<String, Parameter> merged = new LinkedHashMap<>();
                shared.forEach(p -> merged.put(p.in() + ":" + p.name(), p));
                // An operation's parameter replaces the path item's of the same name and location.
                parameters(root, op.path("parameters"), where).forEach(p -> merged.put(p.in() + ":" + p.name(), p));
                JsonNode id = op.get("operationId");
                Operation operation = new Operation(id != null && id.isString() ? id.stringValue() : null,
                        method.toUpperCase(Locale.ROOT), path.getKey(), op.path("summary").asString(null),
                        op.path("description").asString(null), op.path("deprecated").asBoolean(false),
                        List.copyOf(merged.values()), RequestBody.of(resolve(root, op.path("requestBody"), where + ".requestBody")));
                operations.putIfAbsent(operation.key(), operation);
            }
        }
        return new OpenApiDocument(root, version, server(root, source), operations);
    }

    private static List<Parameter> parameters(JsonNode root, JsonNode list, String where) throws DocumentException {
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; list.isArray() && i < list.size(); i++) {
            JsonNode p = resolve(root, list.get(i), where + ".parameters[" + i + "]");
            String name = p.path("name").asString("");
            String in = p.path("in").asString("");
            if (name.isEmpty() || !List.of("path", "query", "header", "cookie").contains(in)) {
                throw new DocumentException(where + ".parameters[" + i + "] needs a 'name' and 'in' (path, query, header or cookie)");
            }
            JsonNode schema = p.get("schema");
            if (schema == null) {
                // The other way to describe a parameter: one media type under 'content'.
                for (JsonNode media : p.path("content").values()) {
                    schema = media.get("schema");
                    break;
                }
            }
            out.add(new Parameter(name, in, in.equals("path") || p.path("required").asBoolean(false),
                    p.path("description").asString(null), schema, p.path("style").asString(null),
                    p.has("explode") ? p.get("explode").asBoolean() : null));
        }
        return out;
    }

    /** {@code node}, or what its local {@code $ref} points at (followed up to 20 times). */
    static JsonNode resolve(JsonNode root, JsonNode node, String where) throws DocumentException {
        JsonNode current = node;
        for (int hops = 0; current.isObject() && current.has("$ref"); hops++) {
            String ref = current.get("$ref").asString("");
            if (!ref.startsWith("#")) {
                throw new DocumentException(where + " refers to '" + ref + "' in another file; bundle the document into "
                        + "one file (e.g. with redocly bundle) and paste that");
            }
            JsonNode target = root.at(ref.substring(1));
            if (target.isMissingNode() || hops == 20) {
                throw new DocumentException(where + " refers to '" + ref + "', which the document does not have");
            }
            current = target;
        }
        return current;
    }

    /** The first server's URL with its variables at their defaults, resolved against the document's own URL. */
    private static String server(JsonNode root, URI source) {
        JsonNode first = root.path("servers").path(0);
        String url = first.path("url").asString(null);
        if (url == null || url.isBlank()) {
            return null;
        }
        for (Map.Entry<String, JsonNode> variable : first.path("variables").properties()) {
            url = url.replace("{" + variable.getKey() + "}", variable.getValue().path("default").asString(""));
        }
        if (source != null && !url.matches("(?i)^https?://.*")) {
            url = source.resolve(url).toString();
        }
        return url;
    }

    String version() {
        return version;
    }

    /** The first server's URL ({@code null} when the document names none); may be relative for a pasted document. */
    String server() {
        return server;
    }

    Collection<Operation> operations() {
        return operations.values();
    }

    /** By {@code operationId}, or by method and path ({@code "get /pet/{petId}"}, any case for the method). */
    Operation operation(String name) {
        Operation byId = operations.get(name);
        if (byId != null) {
            return byId;
        }
        int space = name.indexOf(' ');
        if (space > 0) {
            return byRoute.get(name.substring(0, space).toUpperCase(Locale.ROOT) + " " + name.substring(space + 1).strip());
        }
        return null;
    }

    List<String> operationIds() {
        return operations.values().stream().map(Operation::key).toList();
    }

    /** The validator of one schema of this document, built once. */
    SchemaCheck check(JsonNode schema) {
        return checks.computeIfAbsent(schema, s -> new SchemaCheck(registry, s, root.path("components")));
    }

    /** {@code schema}, or what its local {@code $ref} points at; {@code schema} itself when that cannot be followed. */
    JsonNode resolved(JsonNode schema) {
        try {
            return schema == null ? null : resolve(root, schema, "schema");
        } catch (DocumentException e) {
            return schema;
        }
    }

    /** A schema with its local references replaced by what they point at, for people and the studio. */
    JsonNode inline(JsonNode schema) {
        return Inlining.of(root, schema);
    }

    /** The document cannot be used; the message says what in it is wrong. */
    static final class DocumentException extends Exception {
        DocumentException(String message) {
            super(message);
        }
    }
}
