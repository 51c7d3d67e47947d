package dev.braid.app.store;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import dev.braid.app.refusal.Conflict;
import tools.jackson.databind.JsonNode;

/**
 * Test fixtures of a recipe (issue 17): named sample triggers ({@code {body, headers, query}}) the studio
 * pins to rerun after every edit. Owner of {@code recipe_fixtures}; a recipe's fixtures go with it.
 */
@Repository
public class FixtureStore {

    /** Enough for every case an author tests by hand; a fixture is a sample, not a data set. */
    public static final int MAX_PER_RECIPE = 100;

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public FixtureStore(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public record Fixture(String name, JsonNode trigger, Instant createdAt, Instant updatedAt, String updatedBy) {}

    public List<Fixture> list(String recipe) {
        return jdbc.sql("select * from recipe_fixtures where recipe = ? order by name").param(recipe)
                .query((rs, n) -> new Fixture(rs.getString("name"), json.read(rs, "trigger"),
                        rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                        rs.getString("updated_by")))
                .list();
    }

    /**
     * Creates or replaces; true when created.
     *
     * @throws Conflict when the recipe already has {@value #MAX_PER_RECIPE} other fixtures
     */
    @Transactional
    public boolean put(String recipe, String name, JsonNode trigger, String by) {
        // Serialises puts of one recipe's fixtures, so the count below cannot be passed by two at once.
        jdbc.sql("select 1 from recipes where slug = ? for update").param(recipe).query(Integer.class).optional();
        int others = jdbc.sql("select count(*) from recipe_fixtures where recipe = ? and name <> ?").params(recipe, name)
                .query(Integer.class).single();
        if (others >= MAX_PER_RECIPE) {
            throw new Conflict("Recipe '" + recipe + "' has " + others + " fixtures, the most a recipe keeps; "
                    + "delete one (DELETE /api/v1/recipes/" + recipe + "/fixtures/{name}) or replace one by its name");
        }
        return jdbc.sql("""
                insert into recipe_fixtures (recipe, name, trigger, updated_by) values (?, ?, ?::jsonb, ?)
                on conflict (recipe, name) do update set trigger = excluded.trigger, updated_at = now(),
                       updated_by = excluded.updated_by
                returning (xmax = 0) as created""")
                .params(recipe, name, json.write(trigger), by)
                .query(Boolean.class).single();
    }

    public boolean delete(String recipe, String name) {
        return jdbc.sql("delete from recipe_fixtures where recipe = ? and name = ?").params(recipe, name).update() == 1;
    }
}
