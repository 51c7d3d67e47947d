package dev.braid.app.secrets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Standalone secrets ({@code secrets.NAME} in expressions), sealed at rest; values never leave by the API. */
@Repository
public class SecretStore {

    private final JdbcClient jdbc;
    private final SecretBox box;

    public SecretStore(JdbcClient jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    public record Info(String name, java.time.Instant createdAt, java.time.Instant updatedAt) {}

    /** Creates or replaces; true when it was created. */
    public boolean put(String name, String value) {
        return jdbc.sql("""
                insert into secrets (name, value) values (?, ?)
                on conflict (name) do update set value = excluded.value, updated_at = now()
                returning (xmax = 0) as created""")
                .params(name, box.seal(value, bound(name)))
                .query(Boolean.class).single();
    }

    public boolean delete(String name) {
        return jdbc.sql("delete from secrets where name = ?").param(name).update() == 1;
    }

    public List<Info> list() {
        return jdbc.sql("select name, created_at, updated_at from secrets order by name")
                .query((rs, n) -> new Info(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()))
                .list();
    }

    public java.util.Optional<Info> find(String name) {
        return jdbc.sql("select name, created_at, updated_at from secrets where name = ?").param(name)
                .query((rs, n) -> new Info(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()))
                .optional();
    }

    /**
     * What a run sees as {@code secrets}: every secret this node's master key opens, by name, and the names
     * of those it cannot open. One unopenable value (sealed by a node with another key, see {@link MasterKey})
     * must not stop the runs that never use it; those that do are told which secret and why.
     */
    public Opened openAll() {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> unreadable = new TreeSet<>();
        jdbc.sql("select name, value from secrets order by name")
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getBytes(2))).list()
                .forEach(e -> {
                    try {
                        values.put(e.getKey(), box.open(e.getValue(), bound(e.getKey())));
                    } catch (IllegalStateException notThisKey) {
                        unreadable.add(e.getKey());
                    }
                });
        return new Opened(values, unreadable);
    }

    /** Secret values by name, and the names whose values this node's master key does not open. */
    public record Opened(Map<String, String> values, Set<String> unreadable) {}

    /** Re-seals values sealed with the previous master key; answers how many. */
    public int reseal() {
        int n = 0;
        for (var row : jdbc.sql("select name, value from secrets").query((rs, i) -> Map.entry(rs.getString(1), rs.getBytes(2))).list()) {
            if (!box.sealedWithCurrentKey(row.getValue(), bound(row.getKey()))) {
                String plain = box.open(row.getValue(), bound(row.getKey()));
                jdbc.sql("update secrets set value = ? where name = ?").params(box.seal(plain, bound(row.getKey())), row.getKey()).update();
                n++;
            }
        }
        return n;
    }

    static String bound(String name) {
        return "secret:" + name;
    }
}
