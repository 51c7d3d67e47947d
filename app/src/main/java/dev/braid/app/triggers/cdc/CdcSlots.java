package dev.braid.app.triggers.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.braid.app.connections.Connections;

/**
 * The replication slot of a CDC source as the source database sees it ({@code pg_replication_slots}), for the
 * trigger health board and {@code braid_cdc_lag_bytes}: read on the source itself, so every node answers
 * the same whichever of them reads it.
 */
@Component
public class CdcSlots {

    /**
     * {@code streaming}: a reader is attached and the slot has reached its consistent point (before that a
     * change is not captured, see {@code TestSql.streamingSlots}); {@code lagBytes}: WAL written after the
     * position the reader confirmed; {@code retainedBytes}: WAL the slot keeps on the source's disk.
     */
    public record Slot(String name, boolean active, boolean streaming, Long lagBytes, Long retainedBytes) {}

    private static final String SLOT = """
            select active, confirmed_flush_lsn is not null,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint
              from pg_replication_slots where slot_name = ?""";

    private final Connections connections;

    public CdcSlots(Connections connections) {
        this.connections = connections;
    }

    /** The slot's name for a connection, whether or not it exists yet. */
    public static String slotName(String connection) {
        return CdcSource.objectName(connection);
    }

    /**
     * The slot of {@code connection}; empty when the source has none (yet).
     *
     * @throws IllegalStateException when the connection cannot be used or the source cannot be reached, saying why
     */
    public Optional<Slot> of(String connection) {
        CdcSource source;
        try {
            source = CdcSource.of(connection, connections);
        } catch (CdcSourceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        try (Connection session = source.open(); PreparedStatement st = session.prepareStatement(SLOT)) {
            st.setString(1, source.slot());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Slot(source.slot(), rs.getBoolean(1), rs.getBoolean(1) && rs.getBoolean(2),
                        nullable(rs, 3), nullable(rs, 4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The source database of connection '" + connection + "' cannot be read: "
                    + e.getMessage(), e);
        }
    }

    private static Long nullable(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
