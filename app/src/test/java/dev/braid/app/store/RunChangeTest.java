package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.braid.engine.run.IllegalTransitionException;
import dev.braid.engine.run.RunStatus;
import dev.braid.engine.run.Transitions;

/**
 * Walks the engine's {@link Transitions} table against every status change the runs table's one writer
 * ({@link RunStore}) can make: for every (from, to) pair a change is either made only when Transitions
 * allows it, or refused — before anything reaches the database — with an {@link IllegalTransitionException}
 * (or, where Transitions allows the pair but the change is not meant for it, an {@link IllegalStateException}).
 * A change added to {@link RunChange} that Transitions does not allow fails here (and at class loading).
 */
class RunChangeTest {

    /** No database: proves whether a method reached for one (a refused change must not). */
    private final AtomicInteger connectionsAsked = new AtomicInteger();
    private final RunStore runs = new RunStore(JdbcClient.create(new NoDatabase()), new JdbcTemplate(new NoDatabase()),
            null, null, null, null, null, null);

    @Test
    void everyChangeOfTheQueueIsATransitionTheEngineAllows() {
        for (RunChange change : RunChange.values()) {
            assertThat(change.from()).as(change.name()).isNotEmpty();
            for (RunStatus from : change.from()) {
                assertThat(Transitions.allowed(from, change.to())).as(change + ": " + from + " -> " + change.to()).isTrue();
            }
        }
    }

    @Test
    void everyPairOfStatusesIsMadeOnlyWhereTransitionsAllowsItAndRefusedOtherwise() {
        List<String> made = new ArrayList<>();
        for (RunChange change : RunChange.values()) {
            for (RunStatus from : RunStatus.values()) {
                String pair = change + ": " + from.wire() + " -> " + change.to().wire();
                Throwable refused = catchThrowable(() -> change.check(from));
                if (change.from().contains(from)) {
                    assertThat(refused).as(pair).isNull();
                    assertThat(Transitions.allowed(from, change.to())).as(pair).isTrue();
                    made.add(from.wire() + "->" + change.to().wire());
                } else if (!Transitions.allowed(from, change.to())) {
                    assertThat(refused).as(pair).isInstanceOf(IllegalTransitionException.class);
                } else {
                    assertThat(refused).as(pair).isInstanceOf(IllegalStateException.class)
                            .isNotInstanceOf(IllegalTransitionException.class)
                            .hasMessageContaining(change.names());
                }
            }
        }
        // The pairs the queue makes, for the reader: every one of them is in the engine's table (asserted above).
        assertThat(made).contains("queued->running", "running->succeeded", "running->failed", "running->retrying",
                "running->waiting", "waiting->queued", "running->queued", "failed->queued", "running->cancelled");
    }

    @Test
    void theOperatorMethodsRefuseAnIllegalFromStatusBeforeTheyTouchTheDatabase() {
        UUID id = UUID.randomUUID();
        for (RunStatus from : RunStatus.values()) {
            checkAtTheWrite(RunChange.CANCEL, from, () -> runs.cancel(id, from));
            checkAtTheWrite(RunChange.RETRY_NOW, from, () -> runs.retryNow(id, from));
        }
    }

    @Test
    void anAttemptEndsOnlyWithAChangeFromRunning() {
        Set<RunChange> endings = EnumSet.noneOf(RunChange.class);
        for (RunChange change : RunChange.values()) {
            Throwable refused = catchThrowable(() -> new AttemptEnd(change, null, null, null, false, null, null, null));
            if (refused == null) {
                endings.add(change);
                assertThat(change.from()).containsExactly(RunStatus.RUNNING);
            } else {
                assertThat(refused).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(endings).containsExactlyInAnyOrder(RunChange.SUCCEED, RunChange.FAIL, RunChange.RETRY_AT, RunChange.WAIT);
        for (AttemptEnd end : List.of(AttemptEnd.succeeded("{}"), AttemptEnd.failed("{}", null, null),
                AttemptEnd.retrying("{}", Instant.now()), AttemptEnd.waiting("delay", Instant.now(), null))) {
            // A legal ending goes to the database (there is none here); its guard there is status = running.
            assertThatThrownBy(() -> runs.finish(UUID.randomUUID(), "node", end, List.of(), List.of()))
                    .isInstanceOf(CannotGetJdbcConnectionException.class);
        }
    }

    /** Refused without a database round trip when the change does not apply to {@code from}, else sent to the database. */
    private void checkAtTheWrite(RunChange change, RunStatus from, Runnable write) {
        int before = connectionsAsked.get();
        Throwable thrown = catchThrowable(write::run);
        String pair = change + ": " + from.wire() + " -> " + change.to().wire();
        if (change.from().contains(from)) {
            assertThat(thrown).as(pair).isInstanceOf(CannotGetJdbcConnectionException.class);
            assertThat(connectionsAsked.get()).as(pair).isGreaterThan(before);
        } else {
            assertThat(thrown).as(pair).isInstanceOf(Transitions.allowed(from, change.to())
                    ? IllegalStateException.class : IllegalTransitionException.class);
            assertThat(connectionsAsked.get()).as(pair + " must not reach the database").isEqualTo(before);
        }
    }

    private final class NoDatabase implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            connectionsAsked.incrementAndGet();
            throw new SQLException("no database in a unit test");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
