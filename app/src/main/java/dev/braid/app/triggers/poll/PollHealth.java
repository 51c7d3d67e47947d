package dev.braid.app.triggers.poll;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.store.JsonColumns;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.schedule.CronSchedule;
import tools.jackson.databind.JsonNode;

/**
 * Where a polling recipe stands, read from what every node shares ({@code poll_cursors}, {@code poll_errors}):
 * its cursor, the last poll by any node, the next one due, and the last failure when the latest poll failed.
 */
@Component
public class PollHealth {

    /**
     * {@code cursor} and {@code lastPoll} are null before the first successful poll; {@code error} is the
     * message of the last poll when it failed (none has succeeded since).
     */
    public record Status(JsonNode cursor, Instant lastPoll, Instant nextPoll, String error, Instant errorAt) {}

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public PollHealth(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Status of(String recipe, TriggerSettings.Poll settings, Instant now) {
        record Row(JsonNode cursor, Instant polledAt, String error, Instant errorAt) {}
        Row row = jdbc.sql("""
                select c.cursor, c.polled_at, e.message, e.at
                  from (select ?::text as recipe) r
                  left join poll_cursors c on c.recipe = r.recipe
                  left join poll_errors e on e.recipe = r.recipe""")
                .param(recipe)
                .query((rs, n) -> new Row(rs.getString(1) == null ? null : json.read(rs, "cursor"), instant(rs.getTimestamp(2)),
                        rs.getString(3), instant(rs.getTimestamp(4))))
                .single();
        return new Status(row.cursor(), row.polledAt(), next(settings, row.polledAt(), now), row.error(), row.errorAt());
    }

    /** {@code every}: an interval after the last poll (at once when there was none); {@code cron}: its next time (UTC). */
    static Instant next(TriggerSettings.Poll settings, Instant lastPoll, Instant now) {
        if (settings.every() != null) {
            return lastPoll == null ? now : lastPoll.plus(settings.every());
        }
        Optional<Instant> next = CronSchedule.parse(settings.cron()).next(now, ZoneOffset.UTC);
        return next.orElse(null);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
