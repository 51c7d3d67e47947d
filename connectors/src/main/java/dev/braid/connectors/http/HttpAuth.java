package dev.braid.connectors.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.braid.connectors.egress.EgressGuard;
import tools.jackson.databind.JsonNode;

/**
 * A connection's {@code auth}: {@code none}, {@code basic} ({@code username}, {@code password}),
 * {@code bearer} ({@code token}), {@code apiKey} ({@code header}, default {@code X-API-Key}, and
 * {@code value}) or {@code oauth2} client credentials ({@code tokenUrl}, {@code clientId},
 * {@code clientSecret}, optional {@code scope}). Its header replaces a header of the same name from
 * the connection's or the step's {@code headers}. Secrets never appear in {@link #toString()}.
 */
final class HttpAuth {

    static final String DEFAULT_API_KEY_HEADER = "X-API-Key";
    static final HttpAuth NONE = new HttpAuth("none", Map.of(), null);

    /** The cache key of an oauth2 token, and what fetching one needs. */
    record OAuth2(URI tokenUrl, String clientId, String clientSecret, String scope) {
        OAuth2.Key key() {
            return new Key(tokenUrl.toString(), clientId, scope);
        }

        record Key(String tokenUrl, String clientId, String scope) {}

        /** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined for Basic. */
        String basicCredentials() {
            return basic(URLEncoder.encode(clientId, StandardCharsets.UTF_8),
                    URLEncoder.encode(clientSecret, StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "OAuth2[" + tokenUrl + ", " + clientId + "]";
        }
    }

    private final String type;
    private final Map<String, String> staticHeaders;
    private final OAuth2 oauth2;

    private HttpAuth(String type, Map<String, String> staticHeaders, OAuth2 oauth2) {
        this.type = type;
        this.staticHeaders = staticHeaders;
        this.oauth2 = oauth2;
    }

    /** What the schema cannot say: which fields each type needs. Paths are below {@code connection.auth}. */
    static List<String> problems(JsonNode auth) {
        List<String> problems = new ArrayList<>();
        if (!auth.isObject()) {
            return problems;
        }
        List<String> needed = switch (auth.path("type").asString("none")) {
            case "basic" -> List.of("username", "password");
            case "bearer" -> List.of("token");
            case "apiKey" -> List.of("value");
            case "oauth2" -> List.of("tokenUrl", "clientId", "clientSecret");
            default -> List.of();
        };
        for (String field : needed) {
            if (!auth.has(field)) {
                problems.add("connection.auth." + field + ": is required for type " + auth.path("type").asString());
            }
        }
        JsonNode tokenUrl = auth.path("tokenUrl");
        if (tokenUrl.isString()) {
            try {
                URI uri = new URI(tokenUrl.stringValue());
                if (EgressGuard.hostOf(uri) == null) {
                    problems.add("connection.auth.tokenUrl: names no host");
                }
            } catch (URISyntaxException e) {
                problems.add("connection.auth.tokenUrl: is not a valid URL (" + e.getReason() + ")");
            }
        }
        return problems;
    }

    /** @param auth the connection's {@code auth}, already valid, or a missing node */
    static HttpAuth from(JsonNode auth) {
        String type = auth.path("type").asString("none");
        return switch (type) {
            case "basic" -> new HttpAuth(type, Map.of("Authorization",
                    basic(auth.path("username").asString(""), auth.path("password").asString(""))), null);
            case "bearer" -> new HttpAuth(type, Map.of("Authorization", "Bearer " + auth.path("token").asString("")), null);
            case "apiKey" -> new HttpAuth(type, Map.of(auth.path("header").asString(DEFAULT_API_KEY_HEADER),
                    auth.path("value").asString("")), null);
            case "oauth2" -> new HttpAuth(type, Map.of(), new OAuth2(URI.create(auth.path("tokenUrl").stringValue()),
                    auth.path("clientId").asString(""), auth.path("clientSecret").asString(""),
                    auth.hasNonNull("scope") && !auth.path("scope").asString("").isBlank()
                            ? auth.path("scope").asString() : null));
            default -> NONE;
        };
    }

    boolean isOAuth2() {
        return oauth2 != null;
    }

    OAuth2 oauth2() {
        return oauth2;
    }

    /** The headers this auth adds, given the current oauth2 access token (ignored by the other types). */
    Map<String, String> headers(String accessToken) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(staticHeaders);
        if (oauth2 != null && accessToken != null) {
            headers.put("Authorization", "Bearer " + accessToken);
        }
        return headers;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "HttpAuth[" + type + "]";
    }
}
