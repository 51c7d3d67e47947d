package dev.braid.app.connections;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.app.secrets.SecretBox;
import dev.braid.app.store.JsonColumns;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Connections: public settings as JSON, secret fields sealed together in one column. */
@Repository
public class ConnectionStore {

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final SecretBox box;

    public ConnectionStore(JdbcClient jdbc, JsonColumns json, SecretBox box) {
        this.jdbc = jdbc;
        this.json = json;
        this.box = box;
    }

    /** A stored connection; {@code secrets} are the opened secret fields by dotted name (never answered by the API). */
    public record Stored(String name, String connector, ObjectNode settings, ObjectNode secrets, Instant createdAt,
                         Instant updatedAt) {}

    /** Creates or replaces; true when created. */
    public boolean put(String name, String connector, JsonNode publicSettings, ObjectNode secrets) {
        byte[] sealed = secrets.isEmpty() ? null : box.seal(json.write(secrets), bound(name));
        return jdbc.sql("""
                insert into connections (name, connector, settings, secret_settings) values (?, ?, ?::jsonb, ?)
                on conflict (name) do update set connector = excluded.connector, settings = excluded.settings,
                       secret_settings = excluded.secret_settings, updated_at = now()
                returning (xmax = 0) as created""")
                .params(name, connector, json.write(publicSettings), sealed)
                .query(Boolean.class).single();
    }

    public Optional<Stored> find(String name) {
        return jdbc.sql("select * from connections where name = ?").param(name).query((rs, n) -> map(rs)).optional();
    }

    /** A connection's flow control settings ({@code connections.flow_control}), without opening its secrets. */
    public Optional<JsonNode> flowControl(String name) {
        return jdbc.sql("select flow_control::text from connections where name = ?").param(name)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1)).map(json::read)).optional().flatMap(o -> o);
    }

    /** Replaces a connection's flow control settings; {@code null} = none. */
    public void putFlowControl(String name, JsonNode flowControl) {
        jdbc.sql("update connections set flow_control = ?::jsonb, updated_at = now() where name = ?")
                .params(flowControl == null ? null : json.write(flowControl), name).update();
    }

    /** The connector of a connection, without opening its secrets. */
    public Optional<String> connectorOf(String name) {
        return jdbc.sql("select connector from connections where name = ?").param(name).query(String.class).optional();
    }

    public List<Stored> list() {
        return jdbc.sql("select * from connections order by name").query((rs, n) -> map(rs)).list();
    }

    public boolean delete(String name) {
        return jdbc.sql("delete from connections where name = ?").param(name).update() == 1;
    }

    /** Re-seals secret fields sealed with the previous master key; answers how many rows. */
    public int reseal() {
        int n = 0;
        for (var row : jdbc.sql("select name, secret_settings from connections where secret_settings is not null")
                .query((rs, i) -> java.util.Map.entry(rs.getString(1), rs.getBytes(2))).list()) {
            if (!box.sealedWithCurrentKey(row.getValue(), bound(row.getKey()))) {
                String plain = box.open(row.getValue(), bound(row.getKey()));
                jdbc.sql("update connections set secret_settings = ? where name = ?")
                        .params(box.seal(plain, bound(row.getKey())), row.getKey()).update();
                n++;
            }
        }
        return n;
    }

    private Stored map(java.sql.ResultSet rs) throws java.sql.SQLException {
        String name = rs.getString("name");
        byte[] sealed = rs.getBytes("secret_settings");
        ObjectNode secrets = sealed == null ? JsonNodeFactory.instance.objectNode()
                : (ObjectNode) json.read(box.open(sealed, bound(name)));
        return new Stored(name, rs.getString("connector"), (ObjectNode) json.read(rs, "settings"), secrets,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    static String bound(String name) {
        return "connection:" + name;
    }
}
