package dev.braid.connectors.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code s3.get {bucket, key, as, missing, maxBytes}} → {@code {bucket, key, found, body, contentType, size, etag,
 * lastModified, metadata}}: reads one object as text, parsed JSON or base64, at most {@code maxBytes} (the body
 * becomes the step's output, which is stored with the run). A key that does not exist fails the step with
 * {@code s3.not_found} — or, with {@code missing: null}, answers {@code found: false} and a null body.
 */
final class S3GetAction implements Action {

    static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    static final long LIMIT_MAX_BYTES = 256L * 1024 * 1024;

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "bucket": {"type": "string", "description": "The bucket; default: the connection's bucket."},
                "key": {"type": "string", "minLength": 1, "description": "The object's key, e.g. incoming/orders-17.json"},
                "as": {"type": "string", "enum": ["text", "json", "base64"], "description": "text (default): the body as UTF-8 text; json: parsed; base64: the bytes base64-encoded."},
                "missing": {"type": "string", "enum": ["fail", "null"], "description": "fail (default): a key that does not exist fails the step (s3.not_found); null: the step answers found: false and body: null."},
                "maxBytes": {"type": "integer", "description": "The largest object read, in bytes (default 10485760 = 10 MiB, at most 268435456); a larger one fails the step (s3.too_large)."}
              },
              "required": ["key"],
              "additionalProperties": false
            }
            """);

    private final S3Client client;

    S3GetAction(S3Client client) {
        this.client = client;
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public String description() {
        return "Reads one object from an S3 bucket as text, JSON or base64 (at most maxBytes, default 10 MiB). "
                + "Answers {bucket, key, found, body, contentType, size, etag, lastModified, metadata}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"key": "{{ trigger.body.key }}", "as": "json"}
                """);
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        long maxBytes = with.path("maxBytes").asLong(DEFAULT_MAX_BYTES);
        if (maxBytes < 1 || maxBytes > LIMIT_MAX_BYTES) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.maxBytes: must be between 1 and " + LIMIT_MAX_BYTES + "; got " + maxBytes);
        }
        S3Settings settings = S3Settings.from(ctx.connection());
        String bucket = settings.bucket(with);
        String key = with.get("key").stringValue();
        String as = with.path("as").asString("text");
        S3Client.Request request = S3Client.Request.of("GET", bucket, key);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("bucket", bucket).put("key", key);
        if (ctx.dryRun()) {
            return ActionResult.of(out.put("dryRun", true).put("request", request.describe())
                    .put("url", S3Client.uri(settings, request).toString()));
        }
        S3Client.Streamed answer;
        try {
            answer = client.open(settings, request, ctx);
        } catch (ActionException e) {
            if (e.type().equals(S3Failure.NOT_FOUND) && "null".equals(with.path("missing").asString("fail"))) {
                return ActionResult.of(out.put("found", false).putNull("body"));
            }
            throw e;
        }
        byte[] bytes;
        try (InputStream in = answer.body()) {
            long announced = answer.headers().firstValueAsLong("content-length").orElse(-1);
            if (announced > maxBytes) {
                throw tooLarge(request, announced + " bytes", maxBytes);
            }
            bytes = in.readNBytes((int) maxBytes);
            if (in.read() >= 0) {
                throw tooLarge(request, "more than " + maxBytes + " bytes", maxBytes);
            }
        } catch (IOException e) {
            throw S3Failure.exchange(request.describe(), ctx.remaining(), e);
        }
        out.put("found", true);
        switch (as) {
            case "json" -> {
                try {
                    out.set("body", JsonMapper.shared().readTree(bytes));
                } catch (JacksonException e) {
                    throw ActionException.fatal("s3.not_json", request.describe() + ": the object is not JSON ("
                            + e.getOriginalMessage() + "); read it with as: text");
                }
            }
            case "base64" -> out.put("body", Base64.getEncoder().encodeToString(bytes));
            default -> out.put("body", new String(bytes, StandardCharsets.UTF_8));
        }
        out.put("contentType", answer.headers().firstValue("content-type").orElse(null));
        out.put("size", bytes.length);
        out.put("etag", S3Xml.unquote(answer.headers().firstValue("etag").orElse(null)));
        out.put("lastModified", lastModified(answer.headers().firstValue("last-modified").orElse(null)));
        ObjectNode metadata = out.putObject("metadata");
        for (Map.Entry<String, List<String>> h : answer.headers().map().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("x-amz-meta-") && !h.getValue().isEmpty()) {
                metadata.put(name.substring("x-amz-meta-".length()), h.getValue().getFirst());
            }
        }
        return ActionResult.of(out);
    }

    private static ActionException tooLarge(S3Client.Request request, String size, long maxBytes) {
        return ActionException.fatal(S3Failure.TOO_LARGE, request.describe() + " is " + size + ", more than maxBytes ("
                + maxBytes + "); raise with.maxBytes (at most " + LIMIT_MAX_BYTES + ") or split the object");
    }

    /** {@code Last-Modified} (RFC 1123) as an ISO-8601 instant, like a listing's; null when absent or unreadable. */
    private static String lastModified(String header) {
        if (header == null) {
            return null;
        }
        try {
            return ObjectPosition.format(ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return header;
        }
    }
}
