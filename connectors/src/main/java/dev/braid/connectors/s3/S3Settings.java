package dev.braid.connectors.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.braid.connectors.egress.EgressGuard;
import dev.braid.connectors.egress.HostResolver;
import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * The resolved settings of an {@code s3} connection: which S3-compatible endpoint, region and (default) bucket,
 * the access key pair that signs every request (AWS Signature Version 4), and how buckets are addressed —
 * {@code pathStyle: true} puts the bucket in the path ({@code http://minio:9000/bucket/key}, what MinIO, Ceph
 * and most self-hosted stores want), {@code false} in the host name ({@code https://bucket.s3.eu-west-1.amazonaws.com/key},
 * AWS's default).
 */
record S3Settings(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey,
                  String sessionToken, boolean pathStyle, JsonNode egress) {

    static final JsonSchema SCHEMA = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "endpoint": {"type": "string", "minLength": 1, "description": "The S3 endpoint, e.g. https://s3.eu-west-1.amazonaws.com or http://minio.internal:9000 (any S3-compatible store)."},
                "region": {"type": "string", "minLength": 1, "description": "The region requests are signed for, e.g. eu-west-1 (us-east-1 for most self-hosted stores)."},
                "bucket": {"type": "string", "description": "The bucket a step uses when it names none in with.bucket."},
                "accessKeyId": {"type": "string", "minLength": 1, "description": "The access key id, e.g. AKIA... ."},
                "secretAccessKey": {"type": "string", "minLength": 1, "x-secret": true, "description": "The secret access key; stored sealed, write-only, never shown back."},
                "sessionToken": {"type": "string", "x-secret": true, "description": "A session token of temporary credentials (write-only), sent as x-amz-security-token."},
                "pathStyle": {"type": "boolean", "description": "true (default): the bucket in the path (http://host/bucket/key); false: in the host name (http://bucket.host/key)."},
                "egress": {
                  "type": "object",
                  "description": "Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) are refused; loopback and private ranges are allowed.",
                  "properties": {
                    "allow": {"type": "array", "items": {"type": "string"}, "description": "CIDR ranges to open despite that, such as 169.254.0.0/16."}
                  },
                  "additionalProperties": false
                }
              },
              "required": ["endpoint", "region", "accessKeyId", "secretAccessKey"],
              "additionalProperties": false
            }
            """);

    static S3Settings from(JsonNode connection) throws ActionException {
        JsonNode c = Inputs.orEmptyObject(connection);
        if (c.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "s3 actions need an s3 connection: name one with 'connection:' "
                    + "(settings {endpoint, region, bucket, accessKeyId, secretAccessKey, pathStyle})");
        }
        List<String> problems = new ArrayList<>(SCHEMA.violations(c, "connection"));
        problems.addAll(EgressGuard.problems(c.path("egress")));
        URI endpoint = null;
        if (c.path("endpoint").isString()) {
            String text = c.get("endpoint").stringValue().strip();
            try {
                endpoint = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
                String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
                    problems.add("connection.endpoint: '" + text + "' is not an http(s) URL with a host, such as https://s3.eu-west-1.amazonaws.com");
                } else if (endpoint.getRawQuery() != null || endpoint.getRawUserInfo() != null) {
                    problems.add("connection.endpoint: '" + text + "' must have no query and no user; put the credentials in accessKeyId and secretAccessKey");
                }
            } catch (URISyntaxException e) {
                problems.add("connection.endpoint: '" + text + "' is not a URL: " + e.getReason());
            }
        }
        if (!problems.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, String.join("; ", problems));
        }
        String bucket = c.path("bucket").asString("");
        return new S3Settings(endpoint, c.get("region").stringValue(), bucket.isBlank() ? null : bucket,
                c.get("accessKeyId").stringValue(), c.get("secretAccessKey").stringValue(),
                c.path("sessionToken").asString(null), c.path("pathStyle").asBoolean(true), c.path("egress"));
    }

    /** The step's {@code with.bucket}, else the connection's; fatal when neither names one. */
    String bucket(JsonNode with) throws ActionException {
        String named = with.path("bucket").asString("");
        if (!named.isBlank()) {
            return named;
        }
        if (bucket == null) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.bucket: is required, because the connection names no "
                    + "bucket; add bucket: under with: or to the connection's settings");
        }
        return bucket;
    }

    EgressGuard guard(HostResolver resolver) {
        return EgressGuard.of("s3", egress, resolver);
    }

    @Override
    public String toString() {
        // never the secret
        return "S3Settings[" + accessKeyId + "@" + endpoint + " " + region + (pathStyle ? " path-style" : " virtual-host") + "]";
    }
}
