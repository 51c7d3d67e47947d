package dev.braid.connectors.s3;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code s3.put {bucket, key, body, encoding, contentType, metadata}} → {@code {bucket, key, etag, size, versionId}}:
 * writes one object, streamed from the step's input ({@link PutBody}). The step's idempotency key travels as the
 * object's metadata {@code x-amz-meta-braid-idempotency-key}; a repeated put of the same key writes the same object.
 */
final class S3PutAction implements Action {

    static final String IDEMPOTENCY_METADATA = "braid-idempotency-key";

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "bucket": {"type": "string", "description": "The bucket; default: the connection's bucket."},
                "key": {"type": "string", "minLength": 1, "description": "The object's key, e.g. exports/2026-12-07/orders.json"},
                "body": {"description": "What to write: a text as UTF-8 (or the bytes of a base64 text with encoding: base64), any other value as JSON."},
                "encoding": {"type": "string", "enum": ["text", "base64"], "description": "text (default): a text body is written as UTF-8; base64: it is decoded to bytes first."},
                "contentType": {"type": "string", "description": "The object's Content-Type; default text/plain; charset=utf-8, application/json for a JSON value, application/octet-stream for base64."},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "description": "User metadata as name: value (sent as x-amz-meta-<name>)."}
              },
              "required": ["key", "body"],
              "additionalProperties": false
            }
            """);

    private final S3Client client;

    S3PutAction(S3Client client) {
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
        return "Writes one object to an S3 bucket (any S3-compatible store): a text, a JSON value or base64-encoded bytes, "
                + "streamed. Answers {bucket, key, etag, size, versionId}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"key": "orders/{{ trigger.body.id }}.json", "body": "{{ trigger.body }}", "metadata": {"source": "braid"}}
                """);
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        S3Settings settings = S3Settings.from(ctx.connection());
        String bucket = settings.bucket(with);
        String key = with.get("key").stringValue();
        PutBody body = PutBody.of(with.get("body"), with.path("encoding").asString("text"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", with.path("contentType").asString(body.defaultContentType()));
        for (Map.Entry<String, JsonNode> m : with.path("metadata").properties()) {
            headers.put("x-amz-meta-" + m.getKey().toLowerCase(Locale.ROOT), m.getValue().stringValue());
        }
        headers.put("x-amz-meta-" + IDEMPOTENCY_METADATA, ctx.idempotencyKey());
        S3Client.Request request = new S3Client.Request("PUT", bucket, key, Map.of(), headers, body);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("bucket", bucket).put("key", key).put("size", body.length());
        if (ctx.dryRun()) {
            return ActionResult.of(out.put("dryRun", true).put("request", request.describe())
                    .put("url", S3Client.uri(settings, request).toString()).put("contentType", headers.get("content-type")));
        }
        S3Client.Streamed answer = client.open(settings, request, ctx);
        try {
            answer.body().close();
        } catch (java.io.IOException e) {
            // the object is written: the status said so
        }
        out.put("etag", S3Xml.unquote(answer.headers().firstValue("etag").orElse(null)));
        answer.headers().firstValue("x-amz-version-id").ifPresentOrElse(v -> out.put("versionId", v), () -> out.putNull("versionId"));
        return ActionResult.of(out);
    }
}
