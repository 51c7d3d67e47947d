package dev.braid.app.store;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Dead letters: failed runs kept with their error and trigger payload until replayed or discarded. */
@Repository
public class DeadLetterStore {

    private final JdbcClient jdbc;

    public DeadLetterStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, UUID runId, String recipe, String step, String errorJson, String payloadJson) {
        jdbc.sql("""
                insert into dead_letters (id, run_id, recipe, step, error, payload)
                values (?, ?, ?, ?, ?::jsonb, ?::jsonb)""")
                .params(id, runId, recipe, step, errorJson, payloadJson)
                .update();
    }

    public long countOpen(String recipe) {
        return jdbc.sql("select count(*) from dead_letters where recipe = ? and status = 'open'")
                .param(recipe).query(Long.class).single();
    }
}
