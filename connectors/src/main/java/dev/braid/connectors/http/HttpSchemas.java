package dev.braid.connectors.http;

import dev.braid.connectors.schema.JsonSchema;

/** The schemas of {@code http.request}'s input and of an {@code http} connection. */
final class HttpSchemas {

    private HttpSchemas() {}

    private static final String HEADERS = """
            {
              "type": "object",
              "additionalProperties": {"type": "string"},
              "description": "Header names to values, such as {\\"Accept\\": \\"application/json\\"}."
            }""";

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "method": {
                  "type": "string",
                  "pattern": "^[A-Za-z]+$",
                  "default": "GET",
                  "description": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or another method; case does not matter."
                },
                "url": {
                  "type": "string",
                  "minLength": 1,
                  "description": "An absolute http(s) URL, or a path appended to the connection's baseUrl."
                },
                "headers": %s,
                "query": {
                  "type": "object",
                  "additionalProperties": {
                    "type": ["string", "number", "boolean", "array"],
                    "items": {"type": ["string", "number", "boolean"]}
                  },
                  "description": "Query parameters, URL-encoded and appended to the url; an array repeats the name."
                },
                "body": {
                  "description": "Any JSON. An object, array, number or boolean is sent as application/json, a string as text/plain;charset=utf-8, unless a Content-Type header says otherwise; under application/x-www-form-urlencoded an object is form-encoded."
                },
                "timeout": {
                  "type": "string",
                  "default": "30s",
                  "description": "How long to wait for the whole response, like 500ms, 10s, 2m or 1m30s; never beyond the step's deadline."
                }
              },
              "required": ["url"],
              "additionalProperties": false
            }
            """.formatted(HEADERS));

    static final JsonSchema CONNECTION = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "baseUrl": {
                  "type": "string",
                  "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                  "description": "A relative url of a step is appended to this, such as https://crm.example/api/v2."
                },
                "headers": %s
              },
              "additionalProperties": false
            }
            """.formatted(HEADERS.replace("Header names to values", "Headers sent with every request; a step's own headers win")));
}
