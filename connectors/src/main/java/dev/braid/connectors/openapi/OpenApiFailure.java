package dev.braid.connectors.openapi;

/** The error types of the openapi connector; the http ones ({@code http.status}, ...) come through unchanged. */
final class OpenApiFailure {

    /** The connection's document is missing, unreadable or not OpenAPI 3; fixing the connection fixes it. */
    static final String DOCUMENT = "openapi.document";

    private OpenApiFailure() {}
}
