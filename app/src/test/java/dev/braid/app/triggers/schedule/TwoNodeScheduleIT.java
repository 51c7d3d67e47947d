package dev.braid.app.triggers.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Two Braid nodes on one database (ARCHITECTURE §6): this test's server and a second server process.
 * Quartz's cluster lets one node fire each time; while this node's scheduler is stopped the other
 * takes over (after Quartz hands the trigger over, the fire times in between are caught up with
 * {@code catchUp: all}); no fire time is missing, none has two events or two runs.
 */
class TwoNodeScheduleIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(TwoNodeScheduleIT.class);

    @Autowired
    Scheduler scheduler;
    @Autowired
    TriggerReconciler reconciler;

    @Test
    void eachFireTimeHasOneRunAcrossTwoNodesAndTheOtherNodeTakesOver() throws Exception {
        // Same database, Kafka and master key (in the shared braid.home) as this node: a second node of one
        // cluster. Without the shared Kafka it would start an embedded broker of its own and point the shared
        // braid-kafka connection at it, which dies with it and breaks later tests' kafka.* steps.
        Path home = Path.of(HOME).toAbsolutePath();
        try (ServerProcess second = new ServerProcess(home, ADMIN_PASSWORD,
                ServerProcesses.clusterArgs("--braid.worker.poll-interval=60s")).start()) {
            braid.saveRecipe("""
                    slug: two-nodes
                    name: Every second on two nodes
                    trigger:
                      schedule: { cron: "*/1 * * * * ?", catchUp: all }
                    steps:
                      - { id: at, action: core.transform, with: { value: "{{ trigger.scheduledAt }}" } }
                    """);
            reconciler.reconcileNow();
            String here = scheduler.getSchedulerInstanceId();
            await().atMost(Duration.ofSeconds(60)).until(() -> sql.eventCount("two-nodes") >= 8);

            // This node stops firing; the other node must carry on alone.
            scheduler.standby();
            Instant down = Instant.now();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> firedByOthersAfter(here, down.plusSeconds(1)) >= 6);
            } finally {
                scheduler.start();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> sql.eventCount("two-nodes") >= 25);
            api.post("/api/v1/recipes/two-nodes/disable", "application/json", "");
            reconciler.reconcileNow();
            // Let the other node see the change, then nothing fires any more.
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                long before = sql.eventCount("two-nodes");
                Thread.sleep(2_500);
                return sql.eventCount("two-nodes") == before;
            });

            List<Map<String, Object>> rows = jdbc.sql("""
                    select e.idempotency_key, e.payload ->> 'firedBy' as by, e.payload ->> 'firedAt' as fired,
                           (select count(*) from runs r where r.event_id = e.id) as runs
                      from trigger_events e where e.recipe = 'two-nodes' order by e.idempotency_key""").query().listOfRows();
            List<Instant> times = rows.stream().map(r -> Instant.parse((String) r.get("idempotency_key"))).toList();
            log.info("Fire times (key, firedAt, firedBy; this node is {}, standby from {}): {}", here, down,
                    rows.stream().map(r -> r.get("idempotency_key") + " " + r.get("fired") + " " + r.get("by")).toList());
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).as("after %s", times.get(i - 1))
                        .isEqualTo(Duration.ofSeconds(1));
            }
            assertThat(rows).allMatch(r -> (Long) r.get("runs") == 1L);
            assertThat(sql.count("select count(*) from runs where recipe = 'two-nodes'"))
                    .isEqualTo(rows.size());
            Map<Object, Long> byNode = rows.stream().collect(java.util.stream.Collectors.groupingBy(
                    r -> here.equals(r.get("by")) ? "this node" : "second node", java.util.stream.Collectors.counting()));
            log.info("{} fire times over two nodes, one run each, without a gap; fired by {}", rows.size(), byNode);
            assertThat(byNode.get("second node")).isGreaterThanOrEqualTo(6);
        }
    }

    private long firedByOthersAfter(String here, Instant after) {
        return sql.count("""
                select count(*) from trigger_events where recipe = 'two-nodes'
                   and idempotency_key > ? and payload ->> 'firedBy' <> ?""", after.toString(), here);
    }
}
