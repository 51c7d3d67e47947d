package dev.braid.connectors.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.braid.connectors.egress.EgressGuard;
import dev.braid.connectors.egress.HostResolver;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;

/**
 * Signed S3 requests over the JDK's HTTP client: the URL by addressing style, the SigV4 headers, the egress
 * guard on the host before a connection is opened, and failures as {@link S3Failure}s. The client is built on
 * first use (ServiceLoader creates every connector at start-up) and shared by all s3 connections.
 */
final class S3Client implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How much of an error answer is read for its code and message. */
    private static final int ERROR_BYTES = 64 * 1024;
    /** A listing page or another small answer; more is not an S3 answer Braid asked for. */
    private static final int SMALL_ANSWER_BYTES = 16 * 1024 * 1024;

    /** One request: {@code key} null for a bucket-level request (a listing). */
    record Request(String method, String bucket, String key, Map<String, String> query, Map<String, String> headers,
                   PutBody body) {

        static Request of(String method, String bucket, String key) {
            return new Request(method, bucket, key, Map.of(), Map.of(), null);
        }

        Request with(Map<String, String> query) {
            return new Request(method, bucket, key, query, headers, body);
        }

        /** As messages and dry runs show it: {@code PUT s3://bucket/key}. */
        String describe() {
            return method + " s3://" + bucket + "/" + (key == null ? "" : key);
        }
    }

    /** An answer whose body is still to be read (a GET's object). */
    record Streamed(int status, HttpHeaders headers, InputStream body) {}

    private final HostResolver resolver;
    private ExecutorService executor;
    private HttpClient client;

    S3Client(HostResolver resolver) {
        this.resolver = resolver;
    }

    /** The URL of {@code request}: the bucket in the path (path style) or in the host name (virtual host). */
    static URI uri(S3Settings s, Request request) {
        URI endpoint = s.endpoint();
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        String key = request.key() == null ? null : SigV4.encode(request.key(), false);
        String host = endpoint.getRawAuthority();
        String path;
        if (s.pathStyle()) {
            path = base + "/" + SigV4.encode(request.bucket(), true) + (key == null ? "" : "/" + key);
        } else {
            host = request.bucket() + "." + host;
            path = base + "/" + (key == null ? "" : key);
        }
        String query = request.query().isEmpty() ? "" : "?" + SigV4.query(request.query());
        return URI.create(endpoint.getScheme() + "://" + host + path + query);
    }

    /** Sends {@code request} and reads the whole (small) answer; an error status throws. */
    byte[] exchange(S3Settings s, Request request, ActionContext ctx) throws ActionException {
        Streamed answer = open(s, request, ctx);
        try (InputStream in = answer.body()) {
            byte[] body = in.readNBytes(SMALL_ANSWER_BYTES);
            if (in.read() >= 0) {
                throw ActionException.fatal(S3Failure.TOO_LARGE, request.describe() + " answered more than "
                        + SMALL_ANSWER_BYTES + " bytes, which is not an S3 answer");
            }
            return body;
        } catch (IOException e) {
            throw S3Failure.exchange(request.describe(), timeout(ctx), e);
        }
    }

    /**
     * Sends {@code request} and answers once the status and headers are in; the caller reads (and closes) the
     * body. An error status throws, with the store's code and message.
     */
    Streamed open(S3Settings s, Request request, ActionContext ctx) throws ActionException {
        URI uri = uri(s, request);
        EgressGuard guard = s.guard(resolver);
        guard.check(uri, request.describe());
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        headers.put("host", hostHeader(uri));
        String sha256 = request.body() == null ? SigV4.EMPTY_SHA256 : request.body().sha256();
        Map<String, String> signed = SigV4.sign(request.method(), uri.getRawPath(), request.query(), headers, sha256,
                new SigV4.Keys(s.accessKeyId(), s.secretAccessKey(), s.sessionToken(), s.region(), "s3"),
                ctx.clock().instant());
        Duration timeout = timeout(ctx);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout);
        try {
            request.headers().forEach(builder::header);
        } catch (IllegalArgumentException e) {
            // A content type or metadata value that HTTP cannot carry (a line break, a non-ASCII character).
            throw ActionException.fatal(dev.braid.connectors.schema.JsonSchema.INVALID, request.describe()
                    + ": a header cannot be sent as written (" + e.getMessage() + "); metadata and contentType must be "
                    + "plain ASCII text", e);
        }
        signed.forEach(builder::header);
        PutBody body = request.body();
        builder.method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body::open), body.length()));
        HttpResponse<InputStream> response;
        try {
            response = client().send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw S3Failure.exchange(request.describe(), timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActionException.retryable(S3Failure.INTERRUPTED, request.describe() + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 300) {
            byte[] error;
            try (InputStream in = response.body()) {
                error = in.readNBytes(ERROR_BYTES);
            } catch (IOException e) {
                error = new byte[0];
            }
            throw S3Failure.status(request.describe() + " at " + s.endpoint(), status, S3Xml.error(error));
        }
        return new Streamed(status, response.headers(), response.body());
    }

    /** The Host header the JDK client sends: the port only when it is not the scheme's default. */
    private static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean secure = "https".equalsIgnoreCase(uri.getScheme());
        boolean standard = port == -1 || secure && port == 443 || !secure && port == 80;
        return standard ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static Duration timeout(ActionContext ctx) {
        Duration left = ctx.remaining();
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            executor = Executors.newVirtualThreadPerTaskExecutor();
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)   // a redirect means another region: a clear error instead
                    .executor(executor)
                    .build();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.shutdownNow();
            client.close();
            executor.shutdownNow();
            client = null;
            executor = null;
        }
    }
}
