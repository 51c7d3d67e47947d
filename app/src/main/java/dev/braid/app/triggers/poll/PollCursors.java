package dev.braid.app.triggers.poll;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.app.store.JsonColumns;
import tools.jackson.databind.JsonNode;

/** {@code poll_cursors}: each polling recipe's cursor and when it was last polled (any node). */
@Repository
class PollCursors {

    record Stored(JsonNode cursor, Instant polledAt) {}

    private final JdbcClient jdbc;
    private final JsonColumns json;

    PollCursors(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<Stored> find(String recipe) {
        return jdbc.sql("select cursor, polled_at from poll_cursors where recipe = ?").param(recipe)
                .query((rs, n) -> new Stored(json.read(rs, "cursor"), rs.getTimestamp("polled_at").toInstant()))
                .optional();
    }

    /**
     * Records a poll; {@code moved} says whether the cursor changed (then updated_at too). A poll that
     * succeeds clears the recipe's last failure ({@code poll_errors}) in the same statement.
     */
    void save(String recipe, JsonNode cursor, boolean moved, Instant polledAt) {
        jdbc.sql("""
                with cleared as (delete from poll_errors where recipe = :recipe)
                insert into poll_cursors (recipe, cursor, polled_at, updated_at) values (:recipe, :cursor::jsonb, :at, :at)
                on conflict (recipe) do update set cursor = excluded.cursor, polled_at = excluded.polled_at,
                       updated_at = case when :moved then excluded.updated_at else poll_cursors.updated_at end""")
                .param("recipe", recipe).param("cursor", json.write(cursor)).param("at", Timestamp.from(polledAt))
                .param("moved", moved)
                .update();
    }

    /** A poll of {@code recipe} failed (and rolled back): kept until a poll succeeds, for the health board. */
    void failed(String recipe, String message, Instant at) {
        jdbc.sql("""
                insert into poll_errors (recipe, message, at) select ?, ?, ? where exists (select 1 from recipes where slug = ?)
                on conflict (recipe) do update set message = excluded.message, at = excluded.at""")
                .params(recipe, message, Timestamp.from(at), recipe).update();
    }
}
