package dev.braid.connectors.s3;

import java.util.List;
import java.util.Optional;

import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An s3 action against a real S3-compatible server in this JVM ({@link S3Server}, started once for the contract
 * tests): effects are counted by the objects in the fixture's bucket and the writes seen; a transient failure is a
 * store that does not answer (a closed port), a permanent one a key that does not exist or a bucket that does not.
 */
final class S3Fixture implements ActionFixture {

    private static S3Server server;

    private final S3Connector connector = new S3Connector();
    private final String name;
    private final ObjectNode valid;
    private final JsonNode permanent;
    private final String bucket;

    private S3Fixture(String name, String bucket, ObjectNode valid, JsonNode permanent) {
        this.name = name;
        this.bucket = bucket;
        this.valid = valid;
        this.permanent = permanent;
    }

    static synchronized S3Server server() {
        if (server == null) {
            server = new S3Server("contract", "round-trip", "listing", "paths", "poll");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return server;
    }

    static S3Fixture of(String action, String bucket, ObjectNode valid, JsonNode permanent) {
        server();
        return new S3Fixture(action, bucket, valid, permanent);
    }

    S3Connector connector() {
        return connector;
    }

    @Override
    public Action action() {
        return connector.actions().get(name);
    }

    @Override
    public ObjectNode validInput() {
        return valid;
    }

    @Override
    public JsonNode connection() {
        return server().connection(bucket);
    }

    @Override
    public List<String> secretValues() {
        return List.of(S3Server.SECRET_KEY);
    }

    /** The objects and their versions in the bucket now: a write or a delete changes it. */
    @Override
    public int effects() {
        try {
            JsonNode listed = connector.actions().get("list").execute(
                    dev.braid.connectors.TestActionContext.aContext().connection(connection()).build(),
                    JsonNodeFactory.instance.objectNode()).output();
            int hash = 1;
            for (JsonNode item : listed.path("items")) {
                hash = 31 * hash + item.path("key").asString().hashCode() + item.path("etag").asString().hashCode()
                        + item.path("position").asString().hashCode();
            }
            return hash;
        } catch (dev.braid.engine.spi.ActionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<JsonNode> transientFailureInput() {
        return Optional.empty();
    }

    @Override
    public Optional<JsonNode> permanentFailureInput() {
        return Optional.ofNullable(permanent);
    }

    @Override
    public void close() {
        connector.close();
    }
}
