package dev.braid.app.triggers.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.listeners.JobListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.scheduling.quartz.SpringBeanJobFactory;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.triggers.TriggerReconciler;

/**
 * Schedule triggers on Quartz's clustered JDBC store (ARCHITECTURE §2, §3, §6): recorded fire times,
 * one run per fire time whatever fires it, catch-up after downtime.
 */
class ScheduleTriggerIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(ScheduleTriggerIT.class);

    @Autowired
    DataSource dataSource;
    @Autowired
    ApplicationContext context;
    @Autowired
    Scheduler scheduler;
    @Autowired
    ScheduleFires fires;
    @Autowired
    TriggerReconciler reconciler;

    @Test
    void aCronEverySecondRecordsWholeSecondsOneApartAndTwoMoreSchedulersNeverDoubleARun() throws Exception {
        // A second clustered scheduler on the same tables (another "node"), and a non-clustered one in
        // memory that fires the same cron for the same recipe: a guaranteed double fire of every time.
        SchedulerFactoryBean secondNode = scheduler("braid", clusteredProperties("second-test-node"));
        SchedulerFactoryBean rogue = scheduler("braid-rogue-test", ramProperties());
        AtomicInteger rogueFires = new AtomicInteger();
        rogue.getScheduler().getListenerManager().addJobListener(new JobListenerSupport() {
            @Override
            public String getName() {
                return "count";
            }

            @Override
            public void jobWasExecuted(JobExecutionContext ctx, JobExecutionException e) {
                if (e == null) {
                    rogueFires.incrementAndGet();
                }
            }
        });
        try {
            braid.saveRecipe("""
                    slug: tick
                    name: Every second
                    trigger:
                      schedule: { cron: "*/1 * * * * ?", timezone: Europe/Berlin, catchUp: none }
                    steps:
                      - id: at
                        action: core.transform
                        with: { value: "{{ trigger.body.scheduledAt }}" }
                    """);
            reconciler.reconcileNow();
            assertThat(secondNode.getScheduler().getMetaData().isJobStoreClustered()).isTrue();
            rogue.getScheduler().scheduleJob(JobBuilder.newJob(ScheduleFireJob.class).withIdentity("tick", "rogue")
                            .usingJobData(ScheduleFireJob.SLUG, "tick").build(),
                    TriggerBuilder.newTrigger().withIdentity("tick", "rogue")
                            .withSchedule(CronScheduleBuilder.cronSchedule("*/1 * * * * ?")).build());

            await().atMost(Duration.ofSeconds(60)).until(() -> sql.eventCount("tick") >= 12 && rogueFires.get() >= 5);
            api.post("/api/v1/recipes/tick/disable", "application/json", "");
            rogue.getScheduler().clear();
            reconciler.reconcileNow();
            assertThat(scheduler.checkExists(org.quartz.JobKey.jobKey("tick", ScheduleRuntime.GROUP))).isFalse();

            List<Map<String, Object>> rows = jdbc.sql("""
                    select e.idempotency_key, e.payload ->> 'scheduledAt' as scheduled, e.payload ->> 'firedAt' as fired,
                           e.payload ->> 'firedBy' as by, (select count(*) from runs r where r.event_id = e.id) as runs
                      from trigger_events e where e.recipe = 'tick' order by e.idempotency_key""").query().listOfRows();
            List<Instant> scheduled = rows.stream().map(r -> Instant.parse((String) r.get("scheduled"))).toList();
            for (Map<String, Object> row : rows) {
                assertThat(row.get("runs")).as("runs of %s", row.get("scheduled")).isEqualTo(1L);
                assertThat(row.get("idempotency_key")).isEqualTo(row.get("scheduled"));
            }
            for (int i = 0; i < scheduled.size(); i++) {
                assertThat(scheduled.get(i).getNano()).isZero();
                if (i > 0) {
                    assertThat(Duration.between(scheduled.get(i - 1), scheduled.get(i))).isEqualTo(Duration.ofSeconds(1));
                }
            }
            // Every run is for a fire time: none was started twice by the double fires.
            assertThat(sql.count("select count(*) from runs where recipe = 'tick'"))
                    .isEqualTo(rows.size());
            List<Long> lateness = new ArrayList<>();
            for (Map<String, Object> row : rows) {
                lateness.add(Duration.between(Instant.parse((String) row.get("scheduled")),
                        Instant.parse((String) row.get("fired"))).toMillis());
            }
            List<Long> sorted = new ArrayList<>(lateness);
            Collections.sort(sorted);
            log.info("Fire-time accuracy over {} fires (firedAt - scheduledAt): median {} ms, max {} ms (in order: {}); "
                            + "fired by {}; the in-memory scheduler fired {} times (all deduplicated)",
                    sorted.size(), sorted.get(sorted.size() / 2), sorted.getLast(), lateness,
                    rows.stream().map(r -> r.get("by")).distinct().toList(), rogueFires.get());
            assertThat(rogueFires.get()).isGreaterThanOrEqualTo(5);
        } finally {
            rogue.destroy();
            secondNode.destroy();
        }
    }

    @Test
    void afterTheSchedulerWasDownAllCatchesUpEveryMissedSecondAndNoneLeavesTheGap() throws Exception {
        for (String mode : List.of("all", "none")) {
            braid.saveRecipe("""
                    slug: every-%s
                    name: Every second
                    trigger:
                      schedule: { cron: "*/1 * * * * ?", catchUp: %s }
                    steps:
                      - { id: at, action: core.transform, with: { value: "{{ trigger.scheduledAt }}" } }
                    """.formatted(mode, mode));
        }
        reconciler.reconcileNow();
        await().atMost(Duration.ofSeconds(30)).until(() -> sql.eventCount("every-all") >= 2 && sql.eventCount("every-none") >= 2);
        // This node's scheduler stops firing for 8 s, longer than the 5 s misfire threshold.
        scheduler.standby();
        Instant down = Instant.now();
        await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
        scheduler.start();
        Instant up = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduledAfter("every-all", up.plusSeconds(2)) && scheduledAfter("every-none", up.plusSeconds(2)));
        api.post("/api/v1/recipes/every-all/disable", "application/json", "");
        api.post("/api/v1/recipes/every-none/disable", "application/json", "");
        reconciler.reconcileNow();

        List<Instant> all = fireTimes("every-all").stream().map(Instant::parse).toList();
        for (int i = 1; i < all.size(); i++) {
            assertThat(Duration.between(all.get(i - 1), all.get(i))).as("after %s", all.get(i - 1)).isEqualTo(Duration.ofSeconds(1));
        }
        long caughtUp = jdbc.sql("""
                select count(*) from trigger_events where recipe = 'every-all'
                   and (payload ->> 'firedAt')::timestamptz - (payload ->> 'scheduledAt')::timestamptz > interval '3 seconds'""")
                .query(Long.class).single();
        assertThat(caughtUp).as("fire times recorded late by the catch-up").isGreaterThanOrEqualTo(5);

        List<Instant> none = fireTimes("every-none").stream().map(Instant::parse).toList();
        Duration widest = Duration.ZERO;
        for (int i = 1; i < none.size(); i++) {
            Duration gap = Duration.between(none.get(i - 1), none.get(i));
            widest = gap.compareTo(widest) > 0 ? gap : widest;
        }
        assertThat(widest).as("the gap left by the downtime from %s to %s", down, up).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aNewVersionReplacesTheQuartzTriggerAndDisablingRemovesIt() throws Exception {
        braid.saveRecipe("""
                slug: nightly-change
                name: Nightly
                trigger:
                  schedule: { cron: "0 0 2 * * ?", timezone: Europe/Berlin }
                steps:
                  - { id: at, action: core.transform, with: { value: 1 } }
                """);
        reconciler.reconcileNow();
        org.quartz.TriggerKey key = org.quartz.TriggerKey.triggerKey("nightly-change", ScheduleRuntime.GROUP);
        // Armed for the next fire time Braid computes (02:00 in Berlin), one at a time (ScheduleTriggers).
        org.quartz.Trigger first = scheduler.getTrigger(key);
        assertThat(first.getJobDataMap().getString(ScheduleTriggers.SIGNATURE)).contains("|0 0 2 * * ?|Europe/Berlin|");
        java.time.ZonedDateTime firstAt = first.getNextFireTime().toInstant().atZone(java.time.ZoneId.of("Europe/Berlin"));
        assertThat(firstAt.toLocalTime()).isEqualTo(java.time.LocalTime.of(2, 0));
        assertThat(firstAt.toInstant()).isBetween(Instant.now(), Instant.now().plus(Duration.ofDays(1)));
        assertThat(first.getMisfireInstruction()).isEqualTo(org.quartz.SimpleTrigger.MISFIRE_INSTRUCTION_FIRE_NOW);

        ApiClient.Response changed = api.put("/api/v1/recipes/nightly-change", "application/yaml", """
                slug: nightly-change
                name: Nightly
                trigger:
                  schedule: { cron: "0 30 4 * * ?", timezone: Asia/Tokyo }
                steps:
                  - { id: at, action: core.transform, with: { value: 1 } }
                """);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        reconciler.reconcileNow();
        org.quartz.Trigger second = scheduler.getTrigger(key);
        assertThat(second.getJobDataMap().getString(ScheduleTriggers.SIGNATURE)).contains("|0 30 4 * * ?|Asia/Tokyo|");
        assertThat(second.getNextFireTime().toInstant().atZone(java.time.ZoneId.of("Asia/Tokyo")).toLocalTime())
                .isEqualTo(java.time.LocalTime.of(4, 30));

        api.delete("/api/v1/recipes/nightly-change");
        reconciler.reconcileNow();
        assertThat(scheduler.getTrigger(key)).isNull();
    }

    @Test
    void unixSecondsAndMacroCronsAreAcceptedAndAnEverySecondOneProducesRuns() throws Exception {
        // Issue 13: "* * * * * *" and "0 0 2 * * *" were saved, then refused by Quartz at every refresh and never fired;
        // "*/5 * * * *" was refused at save.
        Map<String, String> crons = Map.of("star-seconds", "* * * * * *", "star-nightly", "0 0 2 * * *",
                "star-five", "*/5 * * * *", "star-hourly", "@hourly", "star-weekdays", "0 0 2 ? * MON-FRI 2099");
        for (Map.Entry<String, String> cron : crons.entrySet()) {
            braid.saveRecipe("""
                    slug: %s
                    name: Dialect
                    trigger:
                      schedule: { cron: "%s", timezone: America/New_York, catchUp: none }
                    steps:
                      - { id: at, action: core.transform, with: { value: "{{ trigger.scheduledAt }}" } }
                    """.formatted(cron.getKey(), cron.getValue()));
        }
        reconciler.reconcileNow();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sql.count("select count(*) from runs where recipe = 'star-seconds'") >= 4);
        for (String slug : crons.keySet()) {
            api.post("/api/v1/recipes/" + slug + "/disable", "application/json", "");
        }
        reconciler.reconcileNow();
        List<Instant> times = fireTimes("star-seconds").stream().map(Instant::parse).toList();
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i))).isEqualTo(Duration.ofSeconds(1));
        }
        assertThat(sql.count("select count(*) from runs where recipe = 'star-seconds'"))
                .isEqualTo(times.size());
    }

    @Test
    void theArmedFireTimesOfFiveFieldAndMacroCronsAreTheComputedOnes() throws Exception {
        braid.saveRecipe("""
                slug: armed-five
                name: Every five minutes
                trigger:
                  schedule: { cron: "*/5 * * * *", catchUp: none }
                steps:
                  - { id: at, action: core.transform, with: { value: 1 } }
                """);
        braid.saveRecipe("""
                slug: armed-hourly
                name: Hourly
                trigger:
                  schedule: { cron: "@hourly", timezone: Asia/Kolkata, catchUp: none }
                steps:
                  - { id: at, action: core.transform, with: { value: 1 } }
                """);
        reconciler.reconcileNow();
        Instant five = scheduler.getTrigger(org.quartz.TriggerKey.triggerKey("armed-five", ScheduleRuntime.GROUP))
                .getNextFireTime().toInstant();
        assertThat(five.getEpochSecond() % 300).isZero();
        assertThat(five).isBetween(Instant.now(), Instant.now().plus(Duration.ofMinutes(5)));
        // Kolkata is UTC+05:30: the top of its hours is half past in UTC.
        Instant hourly = scheduler.getTrigger(org.quartz.TriggerKey.triggerKey("armed-hourly", ScheduleRuntime.GROUP))
                .getNextFireTime().toInstant();
        assertThat(hourly.getEpochSecond() % 3600).isEqualTo(1800);
        api.post("/api/v1/recipes/armed-five/disable", "application/json", "");
        api.post("/api/v1/recipes/armed-hourly/disable", "application/json", "");
        reconciler.reconcileNow();
    }

    @Test
    void aCronThatCannotFireIsRefusedAtSaveWithItsLineAndACorrectedExample() {
        Map<String, List<String>> refused = Map.of(
                "0 0 0 30 2 ?", List.of("never fires", "`0 0 0 L 2 ?`"),
                "0 0 2 1 * MON 2027", List.of("cannot restrict both", "`0 0 2 1 * ? 2027`"),
                "0 2 * *", List.of("has 4 fields", "`0 2 * * *`", "`0 0 2 * * *`"),
                "0 0 2 ? * 2", List.of("MON-FRI", "`0 0 2 ? * MON-FRI`"),
                "61 * * * *", List.of("'61' is outside the minute range 0-59"));
        for (Map.Entry<String, List<String>> cron : refused.entrySet()) {
            ApiClient.Response answer = api.postYaml("/api/v1/recipes", """
                    slug: refused-cron
                    name: Refused
                    trigger:
                      schedule:
                        cron: "%s"
                    steps:
                      - { id: at, action: core.transform, with: { value: 1 } }
                    """.formatted(cron.getKey()));
            assertThat(answer.status()).as(cron.getKey() + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
            tools.jackson.databind.JsonNode error = answer.json().path("errors").path(0);
            assertThat(error.path("path").asString()).isEqualTo("trigger.schedule.cron");
            assertThat(error.path("line").asInt()).isEqualTo(5);
            assertThat(error.path("message").asString()).as(cron.getKey()).contains(cron.getValue());
        }
    }

    @Test
    void catchUpAllRecordsEveryMissedFireTimeLastOnlyTheLatestNoneNothing() {
        // Noon in Berlin on 29 February: fire times 2012, 2016, 2020, 2024 (11:00 UTC), next in 2028.
        for (String mode : List.of("all", "last", "none")) {
            String slug = "leap-" + mode;
            braid.saveRecipe("""
                    slug: %s
                    name: Leap day
                    trigger:
                      schedule: { cron: "0 0 12 29 2 ?", timezone: Europe/Berlin, catchUp: %s }
                    steps:
                      - id: at
                        action: core.transform
                        with: { value: "{{ trigger.scheduledAt }}" }
                    """.formatted(slug, mode));
            // The recipe has been enabled since 2010 and last fired in 2012; the node was down since.
            jdbc.sql("update recipes set updated_at = '2010-01-01T00:00:00Z' where slug = ?").param(slug).update();
            jdbc.sql("update schedule_periods set enabled_from = '2010-01-01T00:00:00Z' where recipe = ?").param(slug).update();
            assertThat(fires.fire(slug, Instant.parse("2012-02-29T11:00:00Z"), Instant.parse("2012-02-29T11:00:00.004Z"), "test"))
                    .isPresent();
            fires.catchUp(slug, Instant.parse("2026-11-29T03:00:00Z"), "test");
            // A second node doing the same catch-up adds nothing.
            fires.catchUp(slug, Instant.parse("2026-11-29T03:00:00Z"), "test");
        }
        assertThat(fireTimes("leap-all")).containsExactly("2012-02-29T11:00:00Z", "2016-02-29T11:00:00Z",
                "2020-02-29T11:00:00Z", "2024-02-29T11:00:00Z");
        assertThat(fireTimes("leap-last")).containsExactly("2012-02-29T11:00:00Z", "2024-02-29T11:00:00Z");
        assertThat(fireTimes("leap-none")).containsExactly("2012-02-29T11:00:00Z");
        assertThat(sql.count("select count(*) from runs where recipe = 'leap-all'")).isEqualTo(4);
    }

    @Test
    void aDisabledPeriodIsNotCaughtUp() {
        braid.saveRecipe("""
                slug: leap-enabled-late
                name: Leap day
                trigger:
                  schedule: { cron: "0 0 12 29 2 ?", timezone: Europe/Berlin, catchUp: all }
                steps:
                  - id: at
                    action: core.transform
                    with: { value: "{{ trigger.scheduledAt }}" }
                """);
        jdbc.sql("update recipes set updated_at = '2021-01-01T00:00:00Z' where slug = 'leap-enabled-late'").update();
        // Enabled from 2010 until just after the 2012 fire, then off until 2021.
        jdbc.sql("update schedule_periods set enabled_from = '2021-01-01T00:00:00Z' where recipe = 'leap-enabled-late'").update();
        jdbc.sql("""
                insert into schedule_periods (recipe, version, enabled_from, enabled_until)
                values ('leap-enabled-late', 1, '2010-01-01T00:00:00Z', '2012-03-01T00:00:00Z')""").update();
        fires.fire("leap-enabled-late", Instant.parse("2012-02-29T11:00:00Z"), Instant.parse("2012-02-29T11:00:00Z"), "test");
        fires.catchUp("leap-enabled-late", Instant.parse("2026-11-29T03:00:00Z"), "test");
        assertThat(fireTimes("leap-enabled-late")).containsExactly("2012-02-29T11:00:00Z", "2024-02-29T11:00:00Z");
    }

    private List<String> fireTimes(String slug) {
        return jdbc.sql("select idempotency_key from trigger_events where recipe = ? order by 1").param(slug)
                .query(String.class).list();
    }

    private boolean scheduledAfter(String slug, Instant at) {
        return sql.count("select count(*) from trigger_events where recipe = ? and idempotency_key > ?", slug, at.toString()) > 0;
    }

    private SchedulerFactoryBean scheduler(String name, Properties properties) throws Exception {
        SpringBeanJobFactory jobs = new SpringBeanJobFactory();
        jobs.setApplicationContext(context);
        SchedulerFactoryBean factory = new SchedulerFactoryBean();
        factory.setSchedulerName(name);
        factory.setQuartzProperties(properties);
        factory.setJobFactory(jobs);
        factory.setApplicationContext(context);
        if (properties.getProperty("org.quartz.jobStore.isClustered") != null) {
            factory.setDataSource(dataSource);
        }
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    private static Properties clusteredProperties(String instanceId) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        return p;
    }

    private static Properties ramProperties() {
        Properties p = new Properties();
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        return p;
    }
}
