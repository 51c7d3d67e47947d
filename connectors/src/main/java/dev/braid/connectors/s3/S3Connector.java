package dev.braid.connectors.s3;

import java.util.Map;
import java.util.Optional;

import dev.braid.connectors.egress.HostResolver;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code s3.put}, {@code s3.get}, {@code s3.list} and {@code s3.delete} against any S3-compatible store (AWS S3,
 * MinIO, Ceph, Garage, R2, ...), path-style or virtual-host addressed, signed with AWS Signature Version 4 by
 * Braid's own signer over the JDK's HTTP client ({@link SigV4}, {@link S3Client}). New objects are polled with
 * the generic poll trigger over {@code s3.list} with {@code after: "{{ cursor }}"} ({@link S3ListAction}).
 */
public final class S3Connector implements Connector, AutoCloseable {

    private final S3Client client;
    private final Map<String, Action> actions;

    public S3Connector() {
        this(HostResolver.SYSTEM);
    }

    S3Connector(HostResolver resolver) {
        this.client = new S3Client(resolver);
        this.actions = Map.of("put", new S3PutAction(client), "get", new S3GetAction(client),
                "list", new S3ListAction(client), "delete", new S3DeleteAction(client));
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public JsonNode connectionSchema() {
        return S3Settings.SCHEMA.node();
    }

    @Override
    public String description() {
        return "Write, read, list and delete objects in S3 or any S3-compatible store (MinIO, Ceph, R2, ...); "
                + "poll a prefix for new objects with a poll trigger over s3.list.";
    }

    /** Lists one key of the connection's bucket (or, with none, checks that the endpoint answers a signed request). */
    @Override
    public Optional<String> testConnection(ActionContext context) throws ActionException {
        S3Settings settings = S3Settings.from(context.connection());
        if (settings.bucket() == null) {
            return Optional.of("the settings are complete; name a bucket in the connection to have it listed as a test");
        }
        JsonNode listed = actions.get("list").execute(context,
                JsonNodeFactory.instance.objectNode().put("maxKeys", 1)).output();
        return Optional.of("listed bucket '" + settings.bucket() + "' at " + settings.endpoint() + " ("
                + (listed.path("count").asInt() == 0 ? "empty" : "not empty") + ")");
    }

    @Override
    public void close() {
        client.close();
    }
}
