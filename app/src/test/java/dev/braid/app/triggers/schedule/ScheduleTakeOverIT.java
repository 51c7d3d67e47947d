package dev.braid.app.triggers.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.triggers.TriggerReconciler;

/**
 * Two nodes on one database (this test's server and a second server process): the second node fires two
 * per-second schedules and is SIGKILLed; one recipe is disabled 5 s later, before Quartz hands the dead node's
 * triggers over (this node's scheduler stands by until then), the other stays enabled. Every fire time that fell due while a recipe was enabled gets exactly
 * one run — the gap left by the dead node included, also for the recipe disabled in between — and none after the
 * disable. The take-over time (kill to the first fire recorded by the survivor) is printed.
 */
class ScheduleTakeOverIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(ScheduleTakeOverIT.class);

    @Autowired
    Scheduler scheduler;
    @Autowired
    TriggerReconciler reconciler;

    @Test
    void fireTimesMissedWhileTheFiringNodeWasDeadRunOnceEvenWhenTheRecipeIsDisabledBeforeTheTakeOver() throws Exception {
        String here = scheduler.getSchedulerInstanceId();
        // This node stands by until the other one is killed, so that the other one is the node firing both.
        scheduler.standby();
        ServerProcess second = new ServerProcess(Path.of(HOME).toAbsolutePath(), ADMIN_PASSWORD,
                ServerProcesses.clusterArgs("--braid.worker.poll-interval=60s"));
        try {
            // Not ServerProcess.start()'s 2 minutes: on a shared, loaded machine a node has taken 200 s to start.
            second.launch();
            await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> second.isAlive() && second.anonymous().get("/actuator/health").status() == 200);
            for (String slug : List.of("takeover-disabled", "takeover-kept")) {
                braid.saveRecipe("""
                        slug: %s
                        name: Every second
                        trigger:
                          schedule: { cron: "* * * * * *", timezone: Europe/London, catchUp: all }
                        steps:
                          - { id: at, action: core.transform, with: { value: "{{ trigger.scheduledAt }}" } }
                        """.formatted(slug));
            }
            reconciler.reconcileNow();
            await().atMost(Duration.ofSeconds(180)).until(() ->
                    firedBy("takeover-disabled", "<>", here) >= 5 && firedBy("takeover-kept", "<>", here) >= 5);

            Instant killed = Instant.now(); // the process dies between this and kill()'s return
            second.kill();
            String lastBeforeKill = lastKey("takeover-disabled");
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
            assertThat(api.post("/api/v1/recipes/takeover-disabled/disable", "application/json", "").status()).isEqualTo(200);
            Instant disabled = jdbc.sql("""
                    select max(enabled_until) from schedule_periods where recipe = 'takeover-disabled'""")
                    .query(Timestamp.class).single().toInstant();
            // The last fire time that fell due while it was enabled: (from, until] of a per-second cron.
            Instant lastDue = disabled.truncatedTo(ChronoUnit.SECONDS);
            // Only now does this node's scheduler resume, so no scheduler fired the recipe between the kill and the
            // disable: whatever records its gap works from the stored enabled stretch. Quartz takes ≥ 7.5 s to
            // declare the dead node dead anyway, so the take-over time of the kept recipe is not shortened by this.
            scheduler.start();

            // Quartz hands the dead node's trigger of the kept recipe to this node, which catches the gap up.
            await().atMost(Duration.ofSeconds(60)).until(() -> sql.count("""
                    select count(*) from trigger_events where recipe = 'takeover-kept' and payload ->> 'firedBy' = ?
                       and (payload ->> 'firedAt')::timestamptz > ?""", here, Timestamp.from(killed)) > 0);
            Map<String, Object> first = jdbc.sql("""
                    select idempotency_key, payload ->> 'firedAt' as fired from trigger_events
                     where recipe = 'takeover-kept' and payload ->> 'firedBy' = ? and (payload ->> 'firedAt')::timestamptz > ?
                     order by (payload ->> 'firedAt')::timestamptz, idempotency_key limit 1""")
                    .params(here, Timestamp.from(killed)).query().singleRow();
            Duration takeOver = Duration.between(killed, Instant.parse((String) first.get("fired")));
            // The disabled recipe's gap: caught up by this node from the recorded stretch, whenever that happens.
            await().atMost(Duration.ofSeconds(60)).until(() -> lastKey("takeover-disabled").equals(lastDue.toString()));
            Instant gapRecorded = jdbc.sql("""
                    select max((payload ->> 'firedAt')::timestamptz) from trigger_events
                     where recipe = 'takeover-disabled' and payload ->> 'firedBy' = ?""").param(here)
                    .query(Timestamp.class).single().toInstant();
            // Whatever still comes late would be wrong: give it a few refreshes.
            await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);

            List<Instant> disabledTimes = keysWithOneRunEach("takeover-disabled");
            log.info("Take-over after a SIGKILL: the kept recipe's first fire recorded by the survivor {} ms after the kill "
                    + "(its gap from {}); the disabled recipe (disabled {} ms after the kill, last fire before the kill {}) "
                    + "had its gap recorded {} ms after the kill; {} fire times of the disabled recipe, one run each",
                    takeOver.toMillis(), first.get("idempotency_key"), Duration.between(killed, disabled).toMillis(),
                    lastBeforeKill, Duration.between(killed, gapRecorded).toMillis(), disabledTimes.size());
            assertContiguous(disabledTimes);
            assertThat(disabledTimes.getLast()).isEqualTo(lastDue);
            assertThat(disabledTimes).filteredOn(t -> t.isAfter(Instant.parse(lastBeforeKill))).hasSizeGreaterThanOrEqualTo(3);
            assertThat(sql.count("""
                    select count(*) from trigger_events where recipe = 'takeover-disabled' and idempotency_key > ?
                       and payload ->> 'firedBy' <> ?""", lastBeforeKill, here)).as("gap recorded by the survivor").isZero();

            await().atMost(Duration.ofSeconds(30)).until(() -> Instant.parse(lastKey("takeover-kept")).isAfter(Instant.now().minusSeconds(3)));
            assertThat(api.post("/api/v1/recipes/takeover-kept/disable", "application/json", "").status()).isEqualTo(200);
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
            List<Instant> keptTimes = keysWithOneRunEach("takeover-kept");
            assertContiguous(keptTimes);
            assertThat(keptTimes.getLast()).isAfter(killed.plus(takeOver));
        } finally {
            scheduler.start();
            second.close();
            api.post("/api/v1/recipes/takeover-kept/disable", "application/json", "");
        }
    }

    /** The recipe's fire times, oldest first, after checking that each has one event and one run. */
    private List<Instant> keysWithOneRunEach(String slug) {
        List<Map<String, Object>> rows = jdbc.sql("""
                select e.idempotency_key, (select count(*) from runs r where r.event_id = e.id) as runs
                  from trigger_events e where e.recipe = ? order by e.idempotency_key""").param(slug).query().listOfRows();
        assertThat(rows).as(slug).allMatch(r -> (Long) r.get("runs") == 1L);
        assertThat(sql.count("select count(*) from runs where recipe = ?", slug)).as(slug).isEqualTo(rows.size());
        return rows.stream().map(r -> Instant.parse((String) r.get("idempotency_key"))).toList();
    }

    private static void assertContiguous(List<Instant> times) {
        assertThat(times).isNotEmpty();
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i))).as("after %s", times.get(i - 1))
                    .isEqualTo(Duration.ofSeconds(1));
        }
    }

    private long firedBy(String slug, String operator, String node) {
        return sql.count("select count(*) from trigger_events where recipe = ? and payload ->> 'firedBy' " + operator + " ?",
                slug, node);
    }

    private String lastKey(String slug) {
        return jdbc.sql("select coalesce(max(idempotency_key), '') from trigger_events where recipe = ?").param(slug)
                .query(String.class).single();
    }
}
