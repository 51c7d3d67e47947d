package dev.braid.app.triggers.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.triggers.TriggerReconciler;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.spi.SourceEvent;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The trigger SPI end to end, with a source written against the SPI alone (as a connector's would be):
 * what it accepts becomes stored events and runs that are committed by the time {@code accept} returns,
 * so a source that acknowledges then never acknowledges an event that could still be lost; events read
 * again after a crash start nothing; an unreadable event is a dead letter; a batch is one run.
 */
class TriggerSourceIT extends BraidIntegrationTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int EVENTS = 2_000;
    private static final int PER_READ = 500;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Ingestion ingestion;
    @Autowired
    RecipeCatalog catalog;
    @Autowired
    Expressions expressions;
    @Autowired
    TriggerReconciler reconciler;

    String slug;

    @BeforeEach
    void createRecipe() {
        slug = "spi-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient api = ApiClient.admin(port, ADMIN_PASSWORD);
        // A kafka trigger gives the recipe event-source semantics (natural keys never expire); disabled at
        // once so that Braid's own Kafka consumer does not run beside the test source.
        ApiClient.Response created = api.postYaml("/api/v1/recipes", """
                slug: %s
                name: SPI source
                trigger:
                  kafka: { topic: spi-%s }
                steps:
                  - { id: echo, action: core.transform, with: { value: "{{ trigger.body.n }}" } }
                """.formatted(slug, slug));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        api.post("/api/v1/recipes/" + slug + "/disable", "application/json", "");
        reconciler.reconcileNow();
    }

    @Test
    void whatASourceAcceptsIsCommittedWithItsRunsBeforeItAcknowledges() {
        List<Long> committedAtAck = new CopyOnWriteArrayList<>();
        ReadingSource source = new ReadingSource(reads(0, EVENTS), accepted -> committedAtAck.add(committed()));
        SourceTriggers triggers = new SourceTriggers(source, this::context);

        triggers.reconcile(List.of(catalog.current(slug).orElseThrow()));
        await().atMost(Duration.ofSeconds(60)).until(() -> committedAtAck.size() == EVENTS / PER_READ);
        triggers.stopAll();

        // At each acknowledgement, everything accepted so far was already committed, runs included.
        assertThat(committedAtAck).containsExactly(500L, 1_000L, 1_500L, 2_000L);
        assertThat(count("select count(*) from trigger_events where recipe = '" + slug + "'")).isEqualTo(EVENTS);
        assertThat(count("select count(*) from runs where recipe = '" + slug + "' and origin = 'trigger'")).isEqualTo(EVENTS);
        assertThat(source.stopped).isTrue();
    }

    @Test
    void eventsReadAgainAfterACrashStartNothingAndAnUnreadableOneIsADeadLetter() {
        TriggerContext context = context(catalog.current(slug).orElseThrow());
        context.accept(reads(0, PER_READ).getFirst());
        // The source crashed before acknowledging: it reads the same 500 again, plus 500 new ones.
        List<SourceEvent> again = new ArrayList<>(reads(0, PER_READ).getFirst());
        again.addAll(reads(PER_READ, PER_READ).getFirst());
        context.accept(again);
        assertThat(count("select count(*) from runs where recipe = '" + slug + "'")).isEqualTo(2 * PER_READ);

        context.unreadable("test/0/9999", "The record's value is not valid JSON", NODES.objectNode().put("value", "{oops"));
        assertThat(count("select count(*) from dead_letters where recipe = '" + slug + "' and run_id is null")).isEqualTo(1);
        assertThat(count("select count(*) from runs where recipe = '" + slug + "'")).isEqualTo(2 * PER_READ);
    }

    @Test
    void aBatchOfFiveHundredEventsIsOneRunWithTheEventsInOrder() {
        TriggerContext context = context(catalog.current(slug).orElseThrow());
        ObjectNode header = NODES.objectNode().put("type", "kafka").put("batch", true).put("topic", "spi-" + slug);
        context.accept(header, reads(0, PER_READ).getFirst());

        assertThat(count("select count(*) from runs where recipe = '" + slug + "'")).isEqualTo(1);
        assertThat(count("select count(*) from trigger_events where recipe = '" + slug + "'")).isEqualTo(PER_READ);
        String trigger = jdbc.sql("select trigger::text from runs where recipe = ?").param(slug).query(String.class).single();
        assertThat(trigger).contains("\"batch\": true").contains("\"n\": 0").contains("\"n\": 499");
    }

    private TriggerContext context(RecipeCatalog.Current recipe) {
        return new IngestingContext(recipe, NODES.objectNode(), ingestion, expressions,
                new IngestingContext.Timing(Duration.ofMillis(100), Duration.ofMillis(100)), Clock.systemUTC(),
                ReadingSource.class);
    }

    /** Events {@code from .. from+n-1} in reads of {@link #PER_READ}, as an outside system would hand them out. */
    private static List<List<SourceEvent>> reads(int from, int n) {
        List<SourceEvent> all = IntStream.range(from, from + n).mapToObj(i -> {
            ObjectNode trigger = NODES.objectNode().put("type", "kafka").put("topic", "test").put("offset", i);
            trigger.putObject("body").put("n", i);
            return SourceEvent.of(trigger, "test/0/" + i);
        }).toList();
        List<List<SourceEvent>> reads = new ArrayList<>();
        for (int i = 0; i < all.size(); i += PER_READ) {
            reads.add(all.subList(i, Math.min(all.size(), i + PER_READ)));
        }
        return reads;
    }

    /** Events and runs of the recipe that another connection sees: committed ones only. */
    private long committed() {
        return count("select count(*) from runs r join trigger_events e on e.first_run_id = r.id where r.recipe = '" + slug + "'");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    /** A source that reads its events in order on its own thread and acknowledges each read after accept. */
    private static final class ReadingSource implements TriggerSource {
        private final List<List<SourceEvent>> reads;
        private final Consumer<List<SourceEvent>> acknowledge;
        private volatile boolean stopped;

        ReadingSource(List<List<SourceEvent>> reads, Consumer<List<SourceEvent>> acknowledge) {
            this.reads = reads;
            this.acknowledge = acknowledge;
        }

        @Override
        public String type() {
            return "kafka";
        }

        @Override
        public Running start(TriggerContext context) {
            Thread thread = Thread.ofPlatform().name("spi-test-source").start(() -> {
                for (List<SourceEvent> read : reads) {
                    context.accept(read);
                    acknowledge.accept(read);
                }
            });
            return timeout -> {
                try {
                    thread.join(timeout);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stopped = true;
            };
        }
    }
}
