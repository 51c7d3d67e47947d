package dev.braid.app.flow;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The flow control the nodes of a cluster share (README "Flow control"), owner of {@code flow_rate_windows} and
 * {@code flow_circuits}. Every statement is one short transaction on one row; nothing holds a lock between calls.
 *
 * <p>Rate windows are numbered on the database's clock, so nodes whose clocks disagree still spend one budget per
 * window. Circuit times come from the node that writes them (its {@link java.time.Clock}); a few milliseconds of
 * clock difference only shift an open period of seconds.
 */
@Repository
public class FlowLedger {

    private final JdbcClient jdbc;

    public FlowLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes up to {@code want} tokens of the current slice window of {@code connection}: the row rolls over to a
     * newer window (a new budget), grows {@code granted} within one, and gives nothing to a lease computed for an
     * older window than the row's (a statement that waited for the row lock behind a newer one). The tokens are
     * numbered within their window in the order the cluster leased them ({@code first} is the number of the first),
     * which fixes when each is due ({@link RateBudget}).
     */
    RateBudget.Lease lease(String connection, RateSlices slices, int want, String node) {
        return jdbc.sql("""
                with clock as (select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as ms),
                     w as (select ms, ms / :slice as no,
                                  (cast(:budgets as int[]))[((ms / :slice) % :n)::int + 1] as budget from clock)
                insert into flow_rate_windows as f (connection, slice_ms, window_no, budget, granted, taken, leased_by)
                select :connection, :slice, no, budget, least(budget, :want), least(budget, :want), :node from w
                on conflict (connection) do update set
                    slice_ms = case when f.slice_ms <> excluded.slice_ms or excluded.window_no > f.window_no
                                    then excluded.slice_ms else f.slice_ms end,
                    window_no = case when f.slice_ms <> excluded.slice_ms or excluded.window_no > f.window_no
                                     then excluded.window_no else f.window_no end,
                    budget = case when f.slice_ms <> excluded.slice_ms or excluded.window_no > f.window_no
                                  then excluded.budget else f.budget end,
                    granted = case when f.slice_ms <> excluded.slice_ms or excluded.window_no > f.window_no
                                   then excluded.granted
                                   when excluded.window_no = f.window_no then least(f.budget, f.granted + :want)
                                   else f.granted end,
                    taken = case when f.slice_ms <> excluded.slice_ms or excluded.window_no > f.window_no
                                 then excluded.taken
                                 when excluded.window_no = f.window_no then least(f.budget, f.granted + :want) - f.granted
                                 else 0 end,
                    leased_by = excluded.leased_by
                returning taken, granted - taken as first, budget, (select ms from w) as now_ms""")
                .param("connection", connection).param("slice", slices.sliceMillis())
                .param("budgets", slices.budgetsLiteral()).param("n", slices.budgets().length)
                .param("want", want).param("node", node)
                .query((rs, i) -> new RateBudget.Lease(rs.getInt("taken"),
                        slices.sliceMillis() - Math.floorMod(rs.getLong("now_ms"), slices.sliceMillis()),
                        rs.getInt("first"), rs.getInt("budget")))
                .single();
    }

    /**
     * When a call that found no token should come back: the next free slot of the connection, slots one token's
     * share of the period apart cluster-wide, none before the current window ends; in milliseconds from now.
     */
    long slot(String connection, RateSlices slices) {
        return jdbc.sql("""
                with clock as (select floor(extract(epoch from clock_timestamp()) * 1000)::bigint as ms)
                update flow_rate_windows set next_slot_ms =
                    greatest(next_slot_ms, ((select ms from clock) / :slice + 1) * :slice) + :spacing
                where connection = :connection
                returning next_slot_ms - :spacing - (select ms from clock) as wait_ms""")
                .param("slice", slices.sliceMillis()).param("spacing", slices.spacingMillis())
                .param("connection", connection)
                .query(Long.class).optional().orElse(slices.sliceMillis());
    }

    /** The current slice window of a rate-limited connection as the cluster sees it, for operators. */
    public Optional<RateWindow> rateWindow(String connection) {
        return jdbc.sql("""
                select slice_ms, window_no, budget, granted, leased_by,
                       to_timestamp(window_no * slice_ms / 1000.0) as starts_at from flow_rate_windows where connection = ?""")
                .param(connection)
                .query((rs, i) -> new RateWindow(rs.getInt("slice_ms"), rs.getTimestamp("starts_at").toInstant(),
                        rs.getInt("budget"), rs.getInt("granted"), rs.getString("leased_by")))
                .optional();
    }

    public record RateWindow(long sliceMillis, Instant startsAt, int budget, int granted, String lastLeasedBy) {}

    /** An open circuit: open until {@code openUntil}, then half-open with {@code probes} probes under way until {@code probeUntil}. */
    public record Circuit(long generation, Instant openedAt, Instant openUntil, String openedBy, float failureRate,
                          int probes, Instant probeUntil) {

        public String state(Instant now) {
            return now.isBefore(openUntil) ? "open" : "half-open";
        }

        boolean probesBusy(Instant now, int halfOpenCalls) {
            return probeUntil != null && now.isBefore(probeUntil) && probes >= halfOpenCalls;
        }
    }

    private static final String CIRCUIT = "generation, opened_at, open_until, opened_by, failure_rate, probes, probe_until";

    private static Circuit circuit(ResultSet rs, int row) throws SQLException {
        Timestamp probe = rs.getTimestamp("probe_until");
        return new Circuit(rs.getLong("generation"), rs.getTimestamp("opened_at").toInstant(),
                rs.getTimestamp("open_until").toInstant(), rs.getString("opened_by"), rs.getFloat("failure_rate"),
                rs.getInt("probes"), probe == null ? null : probe.toInstant());
    }

    /** The connection's open or half-open circuit under these {@code settings}; empty when closed. */
    public Optional<Circuit> circuit(String connection, String settings) {
        return jdbc.sql("select " + CIRCUIT + " from flow_circuits where connection = ? and settings = ?")
                .params(connection, settings).query(FlowLedger::circuit).optional();
    }

    /** Any circuit row of the connection, whatever settings it was opened under (for operators). */
    public Optional<Circuit> anyCircuit(String connection) {
        return jdbc.sql("select " + CIRCUIT + " from flow_circuits where connection = ?")
                .param(connection).query(FlowLedger::circuit).optional();
    }

    /**
     * Opens the circuit unless it is open or half-open already under the same settings (then that one stands: a
     * second node tripping does not extend it); the circuit as it now is.
     */
    Circuit open(String connection, String settings, Instant now, Duration openFor, float failureRate, String node) {
        jdbc.sql("""
                insert into flow_circuits as c (connection, settings, generation, opened_at, open_until, opened_by, failure_rate)
                values (?, ?, nextval('flow_circuit_openings'), ?, ?, ?, ?)
                on conflict (connection) do update set settings = excluded.settings, generation = excluded.generation,
                    opened_at = excluded.opened_at, open_until = excluded.open_until, opened_by = excluded.opened_by,
                    failure_rate = excluded.failure_rate, probes = 0, probes_ok = 0, probe_until = null
                where c.settings <> excluded.settings""")
                .params(connection, settings, Timestamp.from(now), Timestamp.from(now.plus(openFor)), node, failureRate)
                .update();
        return circuit(connection, settings).orElseThrow();
    }

    /**
     * One probe of a half-open circuit, if fewer than {@code halfOpenCalls} are under way cluster-wide (a probe not
     * reported by {@code probeUntil}, its node gone, no longer counts); the circuit with the probe, or empty.
     */
    Optional<Circuit> claimProbe(String connection, String settings, Instant now, int halfOpenCalls, Duration probeTimeout) {
        return jdbc.sql("""
                update flow_circuits set
                    probes = case when probe_until is null or probe_until <= :now then 1 else probes + 1 end,
                    probes_ok = case when probe_until is null or probe_until <= :now then 0 else probes_ok end,
                    probe_until = :until
                where connection = :connection and settings = :settings and open_until <= :now
                  and (probe_until is null or probe_until <= :now or probes < :calls)
                returning\s""" + CIRCUIT)
                .param("now", Timestamp.from(now)).param("until", Timestamp.from(now.plus(probeTimeout)))
                .param("connection", connection).param("settings", settings).param("calls", halfOpenCalls)
                .query(FlowLedger::circuit).optional();
    }

    /** A probe of opening {@code generation} succeeded; true when that closed the circuit ({@code halfOpenCalls} succeeded). */
    boolean probeSucceeded(String connection, long generation, int halfOpenCalls) {
        Optional<Integer> ok = jdbc.sql("""
                update flow_circuits set probes_ok = probes_ok + 1 where connection = ? and generation = ? returning probes_ok""")
                .params(connection, generation).query(Integer.class).optional();
        if (ok.isPresent() && ok.get() >= halfOpenCalls) {
            jdbc.sql("delete from flow_circuits where connection = ? and generation = ?").params(connection, generation).update();
            return true;
        }
        return false;
    }

    /** A probe of opening {@code generation} failed: open again for {@code openFor} from {@code now}. */
    void reopen(String connection, long generation, Instant now, Duration openFor, String node) {
        jdbc.sql("""
                update flow_circuits set generation = nextval('flow_circuit_openings'), opened_at = ?, open_until = ?,
                    opened_by = ?, failure_rate = 100, probes = 0, probes_ok = 0, probe_until = null
                where connection = ? and generation = ?""")
                .params(Timestamp.from(now), Timestamp.from(now.plus(openFor)), node, connection, generation).update();
    }
}
