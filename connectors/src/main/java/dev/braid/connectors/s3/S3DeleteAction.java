package dev.braid.connectors.s3;

import java.io.IOException;

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
 * {@code s3.delete {bucket, key}} → {@code {bucket, key, deleted: true}}. S3 answers a delete of a key that does
 * not exist like any other, so a retried step succeeds the same way.
 */
final class S3DeleteAction implements Action {

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "bucket": {"type": "string", "description": "The bucket; default: the connection's bucket."},
                "key": {"type": "string", "minLength": 1, "description": "The key of the object to delete, e.g. incoming/orders-17.csv"}
              },
              "required": ["key"],
              "additionalProperties": false
            }
            """);

    private final S3Client client;

    S3DeleteAction(S3Client client) {
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
        return "Deletes one object from an S3 bucket (a key that does not exist is no error). Answers {bucket, key, deleted}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"key": "{{ trigger.body.key }}"}
                """);
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        S3Settings settings = S3Settings.from(ctx.connection());
        String bucket = settings.bucket(with);
        String key = with.get("key").stringValue();
        S3Client.Request request = S3Client.Request.of("DELETE", bucket, key);
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("bucket", bucket).put("key", key);
        if (ctx.dryRun()) {
            return ActionResult.of(out.put("dryRun", true).put("request", request.describe())
                    .put("url", S3Client.uri(settings, request).toString()));
        }
        S3Client.Streamed answer = client.open(settings, request, ctx);
        try {
            answer.body().close();
        } catch (IOException e) {
            // deleted: the status said so
        }
        return ActionResult.of(out.put("deleted", true));
    }
}
