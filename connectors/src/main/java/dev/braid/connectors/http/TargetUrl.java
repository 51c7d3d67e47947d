package dev.braid.connectors.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.braid.connectors.egress.EgressGuard;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/** The URI a request goes to: the step's {@code url}, joined to the connection's {@code baseUrl}, plus {@code query}. */
final class TargetUrl {

    private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private TargetUrl() {}

    /**
     * @param baseUrl the connection's base, or {@code null}
     * @param query   an object of parameters, or a missing node
     */
    static URI resolve(String url, String baseUrl, JsonNode query) throws ActionException {
        String joined = HAS_SCHEME.matcher(url).find() ? url : join(baseUrl, url);
        int hash = joined.indexOf('#');
        // A fragment is never sent to the server; keeping it would put the query after it.
        String withoutFragment = hash < 0 ? joined : joined.substring(0, hash);
        String parameters = query.isObject() ? FormEncoding.encode(query, "with.query") : "";
        String full = parameters.isEmpty() ? withoutFragment
                : withoutFragment + (withoutFragment.contains("?") ? "&" : "?") + parameters;
        URI uri;
        try {
            uri = new URI(full);
        } catch (URISyntaxException e) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.url: '" + full + "' is not a valid URL ("
                    + e.getReason() + " at index " + e.getIndex() + "); encode spaces and special characters", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.url: '" + full + "' must be an http or https URL");
        }
        // The JDK reads an octal address (0251.0376.0251.0376) as a registry-based authority without a
        // host; it is let through here so the egress guard can refuse it by name rather than as invalid.
        if (uri.getHost() == null && !isNumericAuthority(uri)) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.url: '" + full + "' names no host");
        }
        return uri;
    }

    private static boolean isNumericAuthority(URI uri) {
        String host = EgressGuard.hostOf(uri);
        return host != null && EgressGuard.Ipv4Literal.parse(host) != null;
    }

    /**
     * Joins with exactly one slash rather than resolving per RFC 3986: there, {@code /customers} would
     * replace the base's path and {@code customers} would drop its last segment, and neither is what a
     * connection's {@code baseUrl: https://crm.example/api/v2} means to the person who wrote it.
     */
    private static String join(String baseUrl, String url) throws ActionException {
        if (baseUrl == null) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.url: '" + url
                    + "' is relative and the connection has no baseUrl; give an absolute http(s) URL");
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (url.isEmpty()) {
            return baseUrl;
        }
        if (url.startsWith("?")) {
            return base + url;
        }
        return base + "/" + (url.startsWith("/") ? url.substring(1) : url);
    }

    /** The URL as error messages show it: no user info and no query, which may carry credentials. */
    static String forMessage(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
