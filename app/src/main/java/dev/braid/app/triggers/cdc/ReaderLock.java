package dev.braid.app.triggers.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * The cluster-wide right to read one source: a session-level PostgreSQL advisory lock in Braid's
 * database, held on a connection of its own for as long as the reader runs. Only one node's session
 * can hold it; when that node stops or dies its session ends, the lock is free, and the next node to
 * try (every {@code braid.triggers.refresh}) becomes the reader.
 */
final class ReaderLock implements AutoCloseable {

    /** Advisory lock namespace of CDC sources (first of the two ints; the second is hashtext(source)). */
    static final int LOCK_CLASS = 0x4272_6402;

    private final Connection session;
    private final String source;

    private ReaderLock(Connection session, String source) {
        this.session = session;
        this.source = source;
    }

    /** The lock of {@code source}, or null when another session holds it. */
    static ReaderLock tryAcquire(DataSource dataSource, String source) throws SQLException {
        Connection session = dataSource.getConnection();
        try {
            session.setAutoCommit(true);
            try (PreparedStatement st = session.prepareStatement("select pg_try_advisory_lock(?, hashtext(?))")) {
                st.setInt(1, LOCK_CLASS);
                st.setString(2, source);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return new ReaderLock(session, source);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
        session.close();
        return null;
    }

    /** False when the session holding the lock is gone (the database restarted, the network broke): the lock is lost. */
    boolean held() {
        try {
            return session.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    String source() {
        return source;
    }

    /** Unlocks before the connection goes back to the pool, where a held lock would outlive the reader. */
    @Override
    public void close() {
        try (session) {
            try (PreparedStatement st = session.prepareStatement("select pg_advisory_unlock(?, hashtext(?))")) {
                st.setInt(1, LOCK_CLASS);
                st.setString(2, source);
                st.execute();
            }
        } catch (SQLException e) {
            // The session is broken, so its lock went with it.
        }
    }
}
