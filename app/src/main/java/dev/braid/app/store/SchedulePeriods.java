package dev.braid.app.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The stretches of time a recipe's schedule was switched on (table {@code schedule_periods}, V27): catch-up
 * derives the fire times that fell due from them, so what fell due while the recipe was enabled is known after
 * it was disabled or changed, whoever catches up and whenever. {@link RecipeStore} calls {@link #switched} in
 * the transaction of every change; the boundary instant is that transaction's {@code now()}, the recipe's
 * {@code updated_at}.
 */
@Repository
public class SchedulePeriods {

    /** One stretch: fire times {@code from < t <= until} (until null while it is open) of {@code version}. */
    public record Period(long id, String recipe, int version, Instant from, Instant until) {
        public boolean open() {
            return until == null;
        }
    }

    private final JdbcClient jdbc;

    public SchedulePeriods(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * After a change of the recipe (created, saved, enabled, disabled) in the same transaction: closes its open
     * stretch and opens one for its current version when it is an enabled schedule. A save therefore starts a
     * new stretch even with the same cron: fire times after it run the new version.
     */
    void switched(String slug) {
        jdbc.sql("update schedule_periods set enabled_until = now() where recipe = ? and enabled_until is null")
                .param(slug).update();
        jdbc.sql("""
                insert into schedule_periods (recipe, version, enabled_from)
                select slug, version, now() from recipes where slug = ? and enabled and trigger_type = 'schedule'""")
                .param(slug).update();
    }

    /** The recipe's stretches that may still have fire times to record: the open one and closed unsettled ones. */
    public List<Period> unsettled(String slug) {
        return jdbc.sql("""
                select id, recipe, version, enabled_from, enabled_until from schedule_periods
                 where recipe = ? and not settled order by enabled_from""")
                .param(slug).query(SchedulePeriods::map).list();
    }

    /** The stretch during which {@code at} fell due, if the recipe's schedule was on then. */
    public java.util.Optional<Period> at(String slug, Instant at) {
        Timestamp t = Timestamp.from(at);
        return jdbc.sql("""
                select id, recipe, version, enabled_from, enabled_until from schedule_periods
                 where recipe = ? and enabled_from < ? and (enabled_until is null or enabled_until >= ?)
                 order by enabled_from desc limit 1""")
                .params(slug, t, t).query(SchedulePeriods::map).optional();
    }

    /** Closed stretches, of every recipe, whose missed fire times have not been caught up yet. */
    public List<Period> closedUnsettled(int limit) {
        return jdbc.sql("""
                select id, recipe, version, enabled_from, enabled_until from schedule_periods
                 where not settled and enabled_until is not null order by enabled_until limit ?""")
                .param(limit).query(SchedulePeriods::map).list();
    }

    /** A closed stretch whose fire times were all recorded or deliberately skipped (its catchUp). */
    public void settle(long id) {
        jdbc.sql("update schedule_periods set settled = true where id = ? and enabled_until is not null").param(id).update();
    }

    private static Period map(ResultSet rs, int row) throws SQLException {
        Timestamp until = rs.getTimestamp("enabled_until");
        return new Period(rs.getLong("id"), rs.getString("recipe"), rs.getInt("version"),
                rs.getTimestamp("enabled_from").toInstant(), until == null ? null : until.toInstant());
    }
}
