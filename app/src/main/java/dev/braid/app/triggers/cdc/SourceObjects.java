package dev.braid.app.triggers.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The publication and replication slot of a source, on the source database. Braid keeps the
 * publication's table list itself (Debezium's autocreate is off) so that adding a recipe on another
 * table only alters it; the slot is created by Debezium on its first start and dropped here when the
 * last recipe on the source goes, because a slot nobody reads keeps every WAL segment from then on.
 */
final class SourceObjects {

    private SourceObjects() {}

    /** Creates the publication for {@code tables} or sets its table list to them. */
    static void publish(CdcSource source, Collection<String> tables) {
        String list = tables.stream().sorted().map(TableName::quoted).collect(Collectors.joining(", "));
        try (Connection c = source.open()) {
            boolean exists;
            try (PreparedStatement st = c.prepareStatement("select 1 from pg_publication where pubname = ?")) {
                st.setString(1, source.publication());
                try (ResultSet rs = st.executeQuery()) {
                    exists = rs.next();
                }
            }
            try (Statement st = c.createStatement()) {
                // Identifiers checked by TableName and CdcSource.objectName: nothing here comes unchecked from a user.
                st.execute(exists ? "alter publication " + source.publication() + " set table " + list
                        : "create publication " + source.publication() + " for table " + list);
            }
        } catch (SQLException e) {
            throw new CdcSourceException("Could not publish " + tables + " on connection '" + source.name() + "': "
                    + e.getMessage(), e);
        }
    }

    /**
     * Drops the slot and the publication. False when the slot is still in use (a reader's walsender
     * has not exited yet): the caller tries again later.
     */
    static boolean drop(CdcSource source) {
        try (Connection c = source.open()) {
            List<Boolean> active = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement("select active from pg_replication_slots where slot_name = ?")) {
                st.setString(1, source.slot());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        active.add(rs.getBoolean(1));
                    }
                }
            }
            if (active.contains(true)) {
                return false;
            }
            if (!active.isEmpty()) {
                try (PreparedStatement st = c.prepareStatement("select pg_drop_replication_slot(?)")) {
                    st.setString(1, source.slot());
                    st.execute();
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("drop publication if exists " + source.publication());
            }
            return true;
        } catch (SQLException e) {
            throw new CdcSourceException("Could not drop the replication slot " + source.slot() + " of connection '"
                    + source.name() + "': " + e.getMessage(), e);
        }
    }
}
