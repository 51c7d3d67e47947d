package dev.braid.connectors.sql;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.model.Durations;
import dev.braid.engine.spi.ActionException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** The resolved connection settings of a {@code sql} step. */
record SqlSettings(String url, String username, String password, String schema, int maxPoolSize,
        Duration statementTimeout) {

    static final JsonSchema SCHEMA = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "url": {"type": "string", "minLength": 1, "pattern": "^jdbc:",
                        "description": "JDBC URL, e.g. jdbc:postgresql://db.example.com:5432/orders"},
                "username": {"type": "string", "description": "Database user."},
                "password": {"type": "string", "x-secret": true, "description": "Database password."},
                "schema": {"type": "string", "description": "Default schema (PostgreSQL search_path) of every session."},
                "maxPoolSize": {"type": "integer", "default": 5,
                                "description": "Most connections the pool for these settings opens."},
                "statementTimeout": {"type": "string", "default": "30s",
                                     "description": "Longest a statement may run (500ms, 30s, 2m); capped by the step's deadline."}
              },
              "required": ["url"],
              "additionalProperties": false
            }
            """);

    static SqlSettings from(JsonNode connection) throws ActionException {
        JsonNode c = Inputs.orEmptyObject(connection);
        SCHEMA.requireValid(c, "connection");
        int maxPoolSize = c.has("maxPoolSize") ? c.get("maxPoolSize").asInt() : 5;
        if (maxPoolSize < 1 || maxPoolSize > 100) {
            throw ActionException.fatal(JsonSchema.INVALID, "connection.maxPoolSize: must be between 1 and 100");
        }
        Duration timeout = Duration.ofSeconds(30);
        if (c.has("statementTimeout")) {
            try {
                timeout = Durations.parse(c.get("statementTimeout").stringValue());
            } catch (IllegalArgumentException e) {
                throw ActionException.fatal(JsonSchema.INVALID, "connection.statementTimeout: " + e.getMessage(), e);
            }
            if (timeout.isZero()) {
                throw ActionException.fatal(JsonSchema.INVALID, "connection.statementTimeout: must be longer than 0");
            }
        }
        return new SqlSettings(c.get("url").stringValue(), text(c, "username"), text(c, "password"),
                text(c, "schema"), maxPoolSize, timeout);
    }

    private static String text(JsonNode c, String name) {
        JsonNode v = c.get(name);
        return v == null || v.isNull() ? null : v.stringValue();
    }

    boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    /** What identifies a pool: two steps with these four equal share connections. */
    PoolKey poolKey() {
        return new PoolKey(url, username, password, schema);
    }

    /** Removes the password (and a {@code password=} URL parameter) from a message meant for the run log. */
    String scrub(String message) {
        if (message == null) {
            return "";
        }
        String m = message;
        if (password != null && !password.isEmpty()) {
            m = m.replace(password, "***");
        }
        return m.replaceAll("(?i)(password=)[^&;\\s]*", "$1***");
    }

    @Override
    public String toString() {
        return "SqlSettings[url=" + scrub(url) + ", username=" + username + ", schema=" + schema + "]";
    }

    record PoolKey(String url, String username, String password, String schema) {
        @Override
        public String toString() {
            return "PoolKey[" + username + "@" + url + "/" + schema + "]";
        }
    }
}
