package dev.braid.app.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import dev.braid.engine.model.Recipe;
import dev.braid.engine.parse.SourceFormat;

/** Recipes and their immutable versions. Every save is a new version; nothing is updated in place. */
@Repository
public class RecipeStore {

    private static final String SELECT = """
            select r.slug, r.name, r.enabled, r.trigger_type, r.version as current_version, r.created_at, r.updated_at,
                   v.version, v.definition, v.source, v.source_format
              from recipes r join recipe_versions v on v.slug = r.slug
            """;

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final SchedulePeriods periods;

    public RecipeStore(JdbcClient jdbc, JsonColumns json, SchedulePeriods periods) {
        this.jdbc = jdbc;
        this.json = json;
        this.periods = periods;
    }

    /** Creates version 1; {@link DuplicateKeyException} when the slug exists. */
    @Transactional
    public StoredRecipe create(Recipe recipe, String source, SourceFormat format, String by) {
        jdbc.sql("insert into recipes (slug, name, enabled, trigger_type, version) values (?, ?, ?, ?, 1)")
                .params(recipe.slug(), recipe.name(), recipe.enabled(), recipe.trigger().type().wire())
                .update();
        insertVersion(recipe, 1, source, format, by);
        periods.switched(recipe.slug());
        return find(recipe.slug()).orElseThrow();
    }

    /** Saves a new version of an existing recipe; empty when the slug does not exist. */
    @Transactional
    public Optional<StoredRecipe> update(Recipe recipe, String source, SourceFormat format, String by, boolean setEnabled) {
        return update(recipe, source, format, by, setEnabled, null);
    }

    /**
     * Saves a new version only while {@code expectedVersion} (when given) is still the current one: the
     * version an editor started from. Checked under the row lock, so of two saves from the same version
     * exactly one wins.
     *
     * @throws VersionMoved when another save made a newer version in between
     */
    @Transactional
    public Optional<StoredRecipe> update(Recipe recipe, String source, SourceFormat format, String by, boolean setEnabled,
                                         Integer expectedVersion) {
        Optional<Integer> current = jdbc.sql("select version from recipes where slug = ? for update")
                .param(recipe.slug()).query(Integer.class).optional();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (expectedVersion != null && !expectedVersion.equals(current.get())) {
            throw new VersionMoved(recipe.slug(), expectedVersion, current.get());
        }
        int next = current.get() + 1;
        insertVersion(recipe, next, source, format, by);
        jdbc.sql("""
                update recipes set name = ?, trigger_type = ?, version = ?, updated_at = now(),
                       enabled = case when ? then ? else enabled end
                 where slug = ?""")
                .params(recipe.name(), recipe.trigger().type().wire(), next, setEnabled, recipe.enabled(), recipe.slug())
                .update();
        periods.switched(recipe.slug());
        return find(recipe.slug());
    }

    private void insertVersion(Recipe recipe, int version, String source, SourceFormat format, String by) {
        jdbc.sql("""
                insert into recipe_versions (slug, version, definition, source, source_format, created_by)
                values (?, ?, ?::jsonb, ?, ?, ?)""")
                .params(recipe.slug(), version, json.write(recipe.definition()), source,
                        format.name().toLowerCase(java.util.Locale.ROOT), by)
                .update();
    }

    /** A save started from {@code expected}, but the recipe is at {@code current} now. */
    public static final class VersionMoved extends RuntimeException {
        private final int current;

        VersionMoved(String slug, int expected, int current) {
            super("Recipe '" + slug + "' is at version " + current + " now, not " + expected
                    + " which this change started from: someone saved in between");
            this.current = current;
        }

        public int current() {
            return current;
        }
    }

    public Optional<StoredRecipe> find(String slug) {
        return jdbc.sql(SELECT + " where r.slug = ? and v.version = r.version").param(slug).query(this::map).optional();
    }

    public Optional<StoredRecipe> findVersion(String slug, int version) {
        return jdbc.sql(SELECT + " where r.slug = ? and v.version = ?").params(slug, version).query(this::map).optional();
    }

    /** Current versions ordered by slug, after {@code afterSlug} when given. */
    public List<StoredRecipe> list(String afterSlug, int limit) {
        return jdbc.sql(SELECT + " where v.version = r.version and (?::text is null or r.slug > ?) order by r.slug limit ?")
                .params(afterSlug, afterSlug, limit).query(this::map).list();
    }

    public List<VersionInfo> versions(String slug) {
        return jdbc.sql("select version, created_at, created_by from recipe_versions where slug = ? order by version desc")
                .param(slug)
                .query((rs, n) -> new VersionInfo(rs.getInt("version"),
                        rs.getTimestamp("created_at").toInstant(), rs.getString("created_by")))
                .list();
    }

    /** Switches the recipe's triggers on or off; a schedule's stretch of enabled time ends or starts at this instant. */
    @Transactional
    public boolean setEnabled(String slug, boolean enabled) {
        Optional<Boolean> was = jdbc.sql("select enabled from recipes where slug = ? for update").param(slug)
                .query(Boolean.class).optional();
        if (was.isEmpty()) {
            return false;
        }
        jdbc.sql("update recipes set enabled = ?, updated_at = now() where slug = ?").params(enabled, slug).update();
        if (was.get() != enabled) {
            periods.switched(slug);
        }
        return true;
    }

    public boolean delete(String slug) {
        return jdbc.sql("delete from recipes where slug = ?").param(slug).update() == 1;
    }

    private StoredRecipe map(ResultSet rs, int row) throws SQLException {
        return new StoredRecipe(
                rs.getString("slug"), rs.getString("name"), rs.getBoolean("enabled"), rs.getString("trigger_type"),
                rs.getInt("version"), rs.getInt("current_version"), json.read(rs, "definition"),
                rs.getString("source"), rs.getString("source_format"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    public record VersionInfo(int version, java.time.Instant createdAt, String createdBy) {}
}
