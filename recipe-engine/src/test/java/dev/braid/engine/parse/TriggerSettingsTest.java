package dev.braid.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.model.TriggerSettings.Cdc.Operation;
import dev.braid.engine.model.TriggerSettings.Kafka.Format;
import dev.braid.engine.model.TriggerSettings.Kafka.StartFrom;
import dev.braid.engine.model.TriggerSettings.Schedule.CatchUp;
import tools.jackson.databind.node.JsonNodeFactory;

/** Each trigger type's settings come out of the parser as a typed record, with defaults, or as problems at their lines. */
class TriggerSettingsTest {

    private final RecipeParser parser = new RecipeParser(FakeConnectors.registry(), Expressions.withDefaults());

    /** A recipe whose trigger is the given lines (indented under {@code trigger:}); the trigger starts on line 4. */
    private static String recipe(String trigger) {
        return "slug: settings\nname: Settings\ntrigger:\n" + trigger.stripTrailing().indent(2)
                + "steps:\n  - { id: log, action: core.log, with: { message: hi } }\n";
    }

    private TriggerSettings settings(String trigger) {
        return parser.parse(recipe(trigger), SourceFormat.YAML).trigger().settings();
    }

    private List<ValidationError> errors(String trigger) {
        RecipeValidationException e = catchThrowableOfType(RecipeValidationException.class,
                () -> parser.parse(recipe(trigger), SourceFormat.YAML));
        assertThat(e).as("must be rejected").isNotNull();
        return e.errors();
    }

    @Test
    void webhookDefaults() {
        assertThat(settings("webhook: {}")).isEqualTo(new TriggerSettings.Webhook(null, null, Duration.ofHours(24), false,
                Duration.ofSeconds(30), null));
        assertThat(settings("webhook:")).isInstanceOf(TriggerSettings.Webhook.class);
    }

    @Test
    void webhookSecretStaysATemplateAndRateLimitPerDefaultsToASecond() {
        TriggerSettings.Webhook w = (TriggerSettings.Webhook) settings("""
                webhook:
                  secret: "{{ secrets.HOOK_SECRET }}"
                  rateLimit: { requests: 50 }
                  respond: { mode: sync, timeout: 5s }
                """);
        assertThat(w.secret()).isEqualTo("{{ secrets.HOOK_SECRET }}");
        assertThat(w.rateLimit()).isEqualTo(new TriggerSettings.RateLimit(50, Duration.ofSeconds(1)));
        assertThat(w.syncResponse()).isTrue();
        assertThat(w.respondTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(w.type()).isEqualTo(Trigger.Type.WEBHOOK);
    }

    @Test
    void kafkaDefaultsAndBatchDefaults() {
        assertThat(settings("kafka: { topic: orders }")).isEqualTo(
                new TriggerSettings.Kafka("orders", null, Format.JSON, StartFrom.LATEST, null, null));
        TriggerSettings.Kafka k = (TriggerSettings.Kafka) settings("""
                kafka: { topic: orders, format: text, startFrom: earliest, batch: {} }
                """);
        assertThat(k.json()).isFalse();
        assertThat(k.startFrom().wire()).isEqualTo("earliest");
        assertThat(k.batch()).isEqualTo(new TriggerSettings.Batch(500, Duration.ofSeconds(10), null));
        assertThat(((TriggerSettings.Kafka) settings("""
                kafka:
                  topic: orders
                  batch: { maxSize: 2000, maxWait: 1m30s, key: "trigger.body.storeId" }
                """)).batch()).isEqualTo(new TriggerSettings.Batch(2000, Duration.ofSeconds(90), "trigger.body.storeId"));
    }

    @Test
    void cdcTablesAreQualifiedAndOperationsDefaultToAll() {
        TriggerSettings.Cdc c = (TriggerSettings.Cdc) settings("cdc: { connection: shop-db, tables: [orders, Sales.Lines] }");
        assertThat(c.tables()).containsExactly("public.orders", "sales.lines");
        assertThat(c.operations()).isEqualTo(Set.of(Operation.INSERT, Operation.UPDATE, Operation.DELETE));
        assertThat(c.snapshot()).isFalse();
        assertThat(c.wants("public.orders", "delete")).isTrue();
        assertThat(c.wants("public.orders", "read")).isFalse();
        assertThat(c.wants("public.other", "insert")).isFalse();

        TriggerSettings.Cdc only = (TriggerSettings.Cdc) settings("""
                cdc: { connection: shop-db, tables: [public.orders], operations: [insert], snapshot: initial }
                """);
        assertThat(only.operations()).containsExactly(Operation.INSERT);
        assertThat(only.wants("public.orders", "update")).isFalse();
        assertThat(only.wants("public.orders", "read")).isTrue();
    }

    @Test
    void cdcReadsItsBatchLikeKafkaAndReportsItsMistakesAtTheirLines() {
        TriggerSettings.Cdc batched = (TriggerSettings.Cdc) settings("""
                cdc:
                  connection: shop-db
                  tables: [public.orders]
                  batch: { maxSize: 1000, maxWait: 5s, key: "trigger.after.storeId" }
                """);
        assertThat(batched.batch()).isEqualTo(new TriggerSettings.Batch(1000, Duration.ofSeconds(5), "trigger.after.storeId"));
        assertThat(((TriggerSettings.Cdc) settings("cdc: { connection: shop-db, tables: [orders], batch: {} }")).batch())
                .isEqualTo(new TriggerSettings.Batch(500, Duration.ofSeconds(10), null));
        assertThat(((TriggerSettings.Cdc) settings("cdc: { connection: shop-db, tables: [orders] }")).batch()).isNull();

        List<ValidationError> errors = errors("""
                cdc:
                  connection: shop-db
                  tables: [public.orders]
                  batch: { maxSize: 0, maxWait: soon, size: 5 }
                """);
        assertThat(errors).extracting(ValidationError::path, ValidationError::line, ValidationError::column).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("trigger.cdc.batch.maxSize", 7, 23),
                org.assertj.core.groups.Tuple.tuple("trigger.cdc.batch.maxWait", 7, 35),
                org.assertj.core.groups.Tuple.tuple("trigger.cdc.batch.size", 7, 41));
        assertThat(errors("cdc: { connection: shop-db, tables: [orders], batch: 100 }")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("trigger.cdc.batch"));
    }

    @Test
    void scheduleKeepsTheCronAsWrittenWithUtcAndLastByDefault() {
        assertThat(settings("schedule: { cron: \"0 0 2 * * *\" }"))
                .isEqualTo(new TriggerSettings.Schedule("0 0 2 * * *", ZoneId.of("UTC"), CatchUp.LAST));
        assertThat(settings("schedule: { cron: \"0 */5 * * * ?\", timezone: Europe/Berlin, catchUp: all }"))
                .isEqualTo(new TriggerSettings.Schedule("0 */5 * * * ?", ZoneId.of("Europe/Berlin"), CatchUp.ALL));
    }

    @Test
    void pollReadsEveryOrCronQueryOrActionAndItsBatch() {
        TriggerSettings.Poll p = (TriggerSettings.Poll) settings("""
                poll:
                  connection: shop-db
                  every: 1m
                  query: "select * from orders where id > :cursor order by id limit 500"
                  cursor: id
                  initialCursor: 0
                  batch: { maxSize: 1000 }
                """);
        assertThat(p.every()).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.cron()).isNull();
        assertThat(p.query()).startsWith("select * from orders");
        assertThat(p.initialCursor().asInt()).isZero();
        assertThat(p.batch().maxSize()).isEqualTo(1000);

        TriggerSettings.Poll a = (TriggerSettings.Poll) settings("""
                poll:
                  cron: "0 */5 * * * ?"
                  action: http.request
                  with: { method: GET, url: "https://feed.example/items?since={{ cursor }}", headers: { Authorization: "Bearer {{ secrets.FEED_TOKEN }}" } }
                """);
        assertThat(a.every()).isNull();
        assertThat(a.batch()).isNull();
        assertThat(a.initialCursor()).isNull();
        // Templates stay as written: they are rendered where the poll runs, with the secrets.
        assertThat(a.with().path("headers").path("Authorization").asString()).isEqualTo("Bearer {{ secrets.FEED_TOKEN }}");
    }

    @Test
    void manualHasNoSettings() {
        assertThat(settings("manual: {}")).isEqualTo(new TriggerSettings.Manual());
        assertThat(parser.parse(recipe("manual:"), SourceFormat.YAML).trigger().type()).isEqualTo(Trigger.Type.MANUAL);
    }

    @Test
    void badValuesAreReportedAtTheirLines() {
        assertThat(errors("""
                webhook:
                  dedupe: { window: forever }
                  rateLimit: { requests: 0 }
                """)).extracting(ValidationError::path, ValidationError::line).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("trigger.webhook.dedupe.window", 5),
                        org.assertj.core.groups.Tuple.tuple("trigger.webhook.rateLimit.requests", 6));
        assertThat(errors("""
                kafka:
                  topic: orders
                  startFrom: beginning
                  batch: { maxSize: -1, maxWait: soon }
                """)).extracting(ValidationError::path, ValidationError::line).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("trigger.kafka.startFrom", 6),
                        org.assertj.core.groups.Tuple.tuple("trigger.kafka.batch.maxSize", 7),
                        org.assertj.core.groups.Tuple.tuple("trigger.kafka.batch.maxWait", 7));
        assertThat(errors("""
                cdc:
                  connection: shop-db
                  tables: [public.orders]
                  operations: [insert, upsert]
                """)).singleElement().satisfies(e -> {
                    assertThat(e.path()).isEqualTo("trigger.cdc.operations[1]");
                    assertThat(e.line()).isEqualTo(7);
                    assertThat(e.message()).contains("insert, update, delete");
                });
        assertThat(errors("""
                schedule:
                  cron: "0 0 2 * * *"
                  timezone: Mars/Olympus
                  catchUp: some
                """)).extracting(ValidationError::path, ValidationError::line).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("trigger.schedule.timezone", 6),
                        org.assertj.core.groups.Tuple.tuple("trigger.schedule.catchUp", 7));
        assertThat(errors("""
                poll:
                  connection: shop-db
                  every: 0s
                  query: "select 1 where {{ secrets. }}"
                  initialCursor: [1]
                """)).extracting(ValidationError::path, ValidationError::line).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("trigger.poll.every", 6),
                        org.assertj.core.groups.Tuple.tuple("trigger.poll.query", 7),
                        org.assertj.core.groups.Tuple.tuple("trigger.poll.initialCursor", 8));
    }

    @Test
    void recordsAreImmutable() {
        TriggerSettings.Cdc c = new TriggerSettings.Cdc("db", new java.util.ArrayList<>(List.of("public.a")),
                java.util.EnumSet.of(Operation.INSERT), false, null);
        assertThat(c.tables()).isUnmodifiable();
        assertThat(new TriggerSettings.Poll(null, null, null, null, "x.y", JsonNodeFactory.instance.objectNode(), null, null,
                null, null).type()).isEqualTo(Trigger.Type.POLL);
    }
}
