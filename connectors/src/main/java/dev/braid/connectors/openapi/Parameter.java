package dev.braid.connectors.openapi;

import tools.jackson.databind.JsonNode;

/**
 * A parameter of an operation.
 *
 * @param in      {@code path}, {@code query}, {@code header} or {@code cookie}: where the value is sent
 * @param schema  its schema as written (may be a {@code $ref}); {@code null} when the document gives none
 * @param style   the serialisation style as written, {@code null} for the default of {@code in}
 * @param explode as written, {@code null} for the default of the style
 */
record Parameter(String name, String in, boolean required, String description, JsonNode schema, String style,
        Boolean explode) {

    /** OpenAPI's defaults: {@code form} for query and cookie, {@code simple} for path and header. */
    String effectiveStyle() {
        if (style != null) {
            return style;
        }
        return in.equals("query") || in.equals("cookie") ? "form" : "simple";
    }

    /** {@code explode} defaults to true for {@code form} only. */
    boolean effectiveExplode() {
        return explode != null ? explode : effectiveStyle().equals("form");
    }
}
