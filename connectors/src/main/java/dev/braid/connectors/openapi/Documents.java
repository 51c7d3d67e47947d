package dev.braid.connectors.openapi;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.RunLog;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The documents of {@code openapi} connections, each read once per content: a document given as text (or as a
 * mapping) is cached by the SHA-256 of that content, so a changed connection reads its new document and an
 * unchanged one is never read twice; a document given by URL is fetched with a plain {@code GET} through
 * {@code http.request} (egress guard, timeouts; the connection's auth is not sent, as the document often lives
 * on another host than the API) and fetched again after {@link #URL_TTL}. At most {@value #CAPACITY} documents
 * are kept, the least recently used leaving first.
 */
final class Documents {

    static final int CAPACITY = 32;
    static final Duration URL_TTL = Duration.ofMinutes(10);
    /** How long a save-time check waits for a document given by URL. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a failed fetch is remembered: saving a recipe with several steps on an unreachable document waits
     * for one fetch, not one per step.
     */
    static final Duration FAILURE_TTL = Duration.ofSeconds(30);

    private static final Pattern URL = Pattern.compile("(?i)^https?://\\S+$");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private record Cached(OpenApiDocument document, Instant readAt, boolean fromUrl) {}

    private record Failed(ActionException failure, Instant at) {}

    private final Map<String, Failed> failures = new java.util.concurrent.ConcurrentHashMap<>();
    private final Action http;
    private final Clock clock;
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > CAPACITY;
        }
    };

    /** @param http the {@code http.request} action documents given by URL are fetched with */
    Documents(Action http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /**
     * The document of a connection.
     *
     * @param connection the connection's settings ({@code document}, {@code egress})
     * @param context    the deadline and log of the fetch, when the document is given by URL
     */
    OpenApiDocument of(JsonNode connection, ActionContext context) throws ActionException {
        return of(connection, context, false);
    }

    /** For a save-time check, which has no step: a fetch with {@link #FETCH_TIMEOUT} and no log. */
    OpenApiDocument of(JsonNode connection) throws ActionException {
        return of(connection, new FetchContext(clock, clock.instant().plus(FETCH_TIMEOUT)), true);
    }

    /** @param recallFailures answer a fetch that failed less than {@link #FAILURE_TTL} ago with its failure (never for a run's attempt) */
    private OpenApiDocument of(JsonNode connection, ActionContext context, boolean recallFailures) throws ActionException {
        JsonNode setting = connection.path("document");
        String key = key(setting);
        boolean fromUrl = setting.isString() && URL.matcher(setting.stringValue().strip()).matches();
        synchronized (cache) {
            Cached cached = cache.get(key);
            if (cached != null && (!cached.fromUrl() || clock.instant().isBefore(cached.readAt().plus(URL_TTL)))) {
                return cached.document();
            }
        }
        OpenApiDocument document;
        try {
            if (setting.isObject()) {
                document = OpenApiDocument.read(setting, null);
            } else if (fromUrl) {
                URI source = URI.create(setting.stringValue().strip());
                document = OpenApiDocument.read(parse(fetchOrRecall(key, source, connection, context, recallFailures)), source);
            } else if (setting.isString() && !setting.stringValue().isBlank()) {
                document = OpenApiDocument.read(parse(setting.stringValue()), null);
            } else {
                throw ActionException.fatal(OpenApiFailure.DOCUMENT, "connection.document: is missing; paste the API's "
                        + "OpenAPI 3 document (YAML or JSON) or give its URL");
            }
        } catch (OpenApiDocument.DocumentException e) {
            throw ActionException.fatal(OpenApiFailure.DOCUMENT, "connection.document: " + e.getMessage());
        }
        synchronized (cache) {
            cache.put(key, new Cached(document, clock.instant(), fromUrl));
        }
        return document;
    }

    private String fetchOrRecall(String key, URI source, JsonNode connection, ActionContext context, boolean recall)
            throws ActionException {
        Failed failed = failures.get(key);
        if (recall && failed != null && clock.instant().isBefore(failed.at().plus(FAILURE_TTL))) {
            throw failed.failure();
        }
        try {
            String text = fetch(source, connection, context);
            failures.remove(key);
            return text;
        } catch (ActionException e) {
            failures.put(key, new Failed(e, clock.instant()));
            throw e;
        }
    }

    private String fetch(URI source, JsonNode connection, ActionContext context) throws ActionException {
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("method", "GET").put("url", source.toString());
        input.putObject("headers").put("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5");
        ObjectNode plain = JsonNodeFactory.instance.objectNode();
        if (connection.has("egress")) {
            plain.set("egress", connection.get("egress"));
        }
        JsonNode body;
        try {
            body = http.execute(new DelegatedContext(context, plain, false), input).output().path("body");
        } catch (ActionException e) {
            String why = "connection.document: fetching " + source + " failed: " + e.getMessage();
            throw e.retryable() ? ActionException.retryable(OpenApiFailure.DOCUMENT, why) : ActionException.fatal(OpenApiFailure.DOCUMENT, why);
        }
        return body.isString() ? body.stringValue() : body.toString();
    }

    private static JsonNode parse(String text) throws OpenApiDocument.DocumentException {
        String trimmed = text.strip();
        try {
            return trimmed.startsWith("{") ? JsonMapper.shared().readTree(trimmed) : YAML.readTree(trimmed);
        } catch (JacksonException e) {
            throw new OpenApiDocument.DocumentException("cannot be read as " + (trimmed.startsWith("{") ? "JSON" : "YAML")
                    + ": " + e.getOriginalMessage() + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
    }

    private static String key(JsonNode setting) {
        String text = setting.isString() ? setting.stringValue() : setting.toString();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return (setting.isString() ? "text:" : "mapping:") + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The context of a fetch outside any run: no step, nothing logged. */
    private record FetchContext(Clock clock, Instant deadline) implements ActionContext {
        @Override
        public String runId() {
            return "openapi-document";
        }

        @Override
        public String stepPath() {
            return "fetch";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public JsonNode connection() {
            return JsonNodeFactory.instance.objectNode();
        }

        @Override
        public boolean dryRun() {
            return false;
        }

        @Override
        public RunLog log() {
            return (level, text) -> { };
        }
    }
}
