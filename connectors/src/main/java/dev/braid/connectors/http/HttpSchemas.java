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
                  "description": "How long to wait for each response (each page, each redirect), like 500ms, 10s, 2m or 1m30s; never beyond the step's deadline."
                },
                "followRedirects": {
                  "type": "boolean",
                  "default": true,
                  "description": "Follow 301, 302, 303, 307 and 308 (at most 5 hops; 303, and 301/302 after a POST, continue as GET); when false a 3xx is the output."
                },
                "paginate": {
                  "type": "object",
                  "description": "Pull every page of a list: the output becomes {status (of the last page), pages, items (all pages' items)}.",
                  "properties": {
                    "type": {
                      "enum": ["link", "cursor", "page"],
                      "description": "link: follow the Link rel=\\"next\\" header; cursor: send the body's next cursor as a query parameter until it is empty; page: count a page query parameter up until a page has no items."
                    },
                    "maxPages": {"type": "integer", "default": 10, "description": "At most this many pages, 1 to 1000."},
                    "itemsPath": {"type": "string", "description": "Dotted path to the items array in each body, such as data.items; the body itself when absent."},
                    "cursorPath": {"type": "string", "minLength": 1, "description": "cursor: dotted path to the next cursor in the body, such as meta.next_cursor."},
                    "cursorParam": {"type": "string", "minLength": 1, "description": "cursor: the query parameter that carries the cursor."},
                    "pageParam": {"type": "string", "minLength": 1, "default": "page", "description": "page: the query parameter of the page number."},
                    "startPage": {"type": "integer", "default": 1, "description": "page: the number of the first page."}
                  },
                  "required": ["type"],
                  "additionalProperties": false
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
                "headers": %s,
                "auth": {
                  "type": "object",
                  "description": "How requests authenticate; the auth header replaces one of the same name from headers. Sent only to the origin of the step's url.",
                  "properties": {
                    "type": {"enum": ["none", "basic", "bearer", "apiKey", "oauth2"], "default": "none",
                             "description": "basic: username and password; bearer: token; apiKey: header and value; oauth2: client credentials at tokenUrl."},
                    "username": {"type": "string", "description": "basic: the user name."},
                    "password": {"type": "string", "x-secret": true, "description": "basic: the password."},
                    "token": {"type": "string", "x-secret": true, "description": "bearer: sent as Authorization: Bearer <token>."},
                    "header": {"type": "string", "minLength": 1, "default": "X-API-Key", "description": "apiKey: the header that carries the key."},
                    "value": {"type": "string", "x-secret": true, "description": "apiKey: the key."},
                    "tokenUrl": {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://", "description": "oauth2: the token endpoint."},
                    "clientId": {"type": "string", "minLength": 1, "description": "oauth2: the client id."},
                    "clientSecret": {"type": "string", "x-secret": true, "description": "oauth2: the client secret."},
                    "scope": {"type": "string", "description": "oauth2: the scopes to ask for, space-separated."}
                  },
                  "required": ["type"],
                  "additionalProperties": false
                },
                "egress": {
                  "type": "object",
                  "description": "Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) are refused; loopback and private ranges are allowed.",
                  "properties": {
                    "allow": {
                      "type": "array",
                      "items": {"type": "string"},
                      "description": "CIDR ranges to open despite that, such as 169.254.0.0/16."
                    }
                  },
                  "additionalProperties": false
                }
              },
              "additionalProperties": false
            }
            """.formatted(HEADERS.replace("Header names to values", "Headers sent with every request; a step's own headers win")));
}
