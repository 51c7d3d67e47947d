package dev.braid.app.store;

import java.sql.ResultSet;
import java.sql.SQLException;

import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads and writes jsonb columns (sent as text and cast with {@code ::jsonb} in the SQL). */
@Component
public class JsonColumns {

    private final JsonMapper json;

    public JsonColumns(JsonMapper json) {
        this.json = json;
    }

    public String write(JsonNode node) {
        return node == null || node.isMissingNode() ? null : json.writeValueAsString(node);
    }

    public JsonNode read(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : json.readTree(text);
    }

    public JsonNode read(String text) {
        return text == null ? null : json.readTree(text);
    }

    public JsonMapper mapper() {
        return json;
    }
}
