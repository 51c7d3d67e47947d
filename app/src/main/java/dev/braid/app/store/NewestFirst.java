package dev.braid.app.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The filtered, paged history lists of the API (runs, dead letters, the audit log): optional equality
 * filters and a time range, newest first by id, {@code before} as the page cursor. Only fixed column
 * names are written into the SQL, never input; every value is bound.
 */
public final class NewestFirst {

    private final StringBuilder sql;
    private final List<Object> params = new ArrayList<>();

    /** {@code select} is the statement up to its {@code from <table>}. */
    public NewestFirst(String select) {
        this.sql = new StringBuilder(select).append(" where true");
    }

    /** {@code column = value}, unless value is null (no filter). */
    public NewestFirst equal(String column, Object value) {
        if (value != null) {
            sql.append(" and ").append(column).append(" = ?");
            params.add(value);
        }
        return this;
    }

    /** {@code column in (subquery)}: {@code subquery} is fixed SQL, every value in it bound. */
    public NewestFirst in(String column, String subquery, Object... values) {
        sql.append(" and ").append(column).append(" in (").append(subquery).append(')');
        params.addAll(List.of(values));
        return this;
    }

    /** {@code from <= column < to}, each side only when given. */
    public NewestFirst between(String column, Instant from, Instant to) {
        if (from != null) {
            sql.append(" and ").append(column).append(" >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" and ").append(column).append(" < ?");
            params.add(Timestamp.from(to));
        }
        return this;
    }

    /** The page of at most {@code limit} rows below the cursor {@code before} (null: the newest). */
    public <T> List<T> page(JdbcClient jdbc, Object before, int limit, RowMapper<T> rows) {
        below(before);
        sql.append(" order by id desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(rows).list();
    }

    private void below(Object before) {
        if (before != null) {
            sql.append(" and id < ?");
            params.add(before);
        }
    }
}
