package dev.braid.connectors.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What S3Mock leaves out, in front of it on loopback: the signature check of a real store (an unknown access
 * key is {@code 403 InvalidAccessKeyId}, a wrong secret {@code 403 SignatureDoesNotMatch}, with S3's XML error
 * documents) and virtual-host addressing ({@code <bucket>.localhost:<port>/key} is passed on as
 * {@code /<bucket>/key}).
 */
final class S3Front implements AutoCloseable {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/s3/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)");
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "date", "keep-alive");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String behind;
    final AtomicInteger verified = new AtomicInteger();

    S3Front(S3Server s3) {
        this.behind = s3.endpoint();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String refusal = refusal(exchange);
            if (refusal != null) {
                byte[] xml = refusal.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/xml");
                exchange.sendResponseHeaders(403, xml.length);
                exchange.getResponseBody().write(xml);
                return;
            }
            verified.incrementAndGet();
            String host = exchange.getRequestHeaders().getFirst("Host");
            String path = exchange.getRequestURI().getRawPath();
            String name = host.substring(0, host.lastIndexOf(':'));
            if (name.endsWith(".localhost")) {
                path = "/" + name.substring(0, name.length() - ".localhost".length()) + (path.equals("/") ? "" : path);
            }
            String query = exchange.getRequestURI().getRawQuery();
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(behind + path + (query == null ? "" : "?" + query)));
            exchange.getRequestHeaders().forEach((header, values) -> {
                if (!HOP_BY_HOP.contains(header.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> forward.header(header, v));
                }
            });
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            forward.method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((header, values) -> {
                if (!HOP_BY_HOP.contains(header.toLowerCase(Locale.ROOT)) && !header.startsWith(":")) {
                    exchange.getResponseHeaders().put(header, values);
                }
            });
            byte[] out = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The S3 error document for a request whose signature a store would refuse; null when it is right. */
    private static String refusal(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (m == null || !m.matches()) {
            return error("AccessDenied", "Access Denied");
        }
        if (!m.group(1).equals(S3Server.ACCESS_KEY)) {
            return error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : m.group(4).split(";")) {
            if (!name.equals("x-amz-date") && !name.equals("x-amz-content-sha256") && !name.equals("x-amz-security-token")) {
                headers.put(name, exchange.getRequestHeaders().getFirst(name));
            }
        }
        Map<String, String> query = new LinkedHashMap<>();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String amzDate = exchange.getRequestHeaders().getFirst("x-amz-date");
        var at = LocalDateTime.parse(amzDate, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC);
        Map<String, String> expected = SigV4.sign(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), query,
                headers, exchange.getRequestHeaders().getFirst("x-amz-content-sha256"),
                new SigV4.Keys(S3Server.ACCESS_KEY, S3Server.SECRET_KEY, null, m.group(3), "s3"), at);
        if (!expected.get("Authorization").endsWith("Signature=" + m.group(5))) {
            return error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you "
                    + "provided. Check your key and signing method.");
        }
        return null;
    }

    private static String error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>";
    }

    /** A connection through this front: path-style or virtual-host addressed. */
    tools.jackson.databind.node.ObjectNode connection(String bucket, boolean pathStyle, String secret) {
        return tools.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("endpoint", pathStyle ? "http://127.0.0.1:" + port() : "http://localhost:" + port())
                .put("region", "us-east-1").put("bucket", bucket).put("accessKeyId", S3Server.ACCESS_KEY)
                .put("secretAccessKey", secret).put("pathStyle", pathStyle);
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }

}
