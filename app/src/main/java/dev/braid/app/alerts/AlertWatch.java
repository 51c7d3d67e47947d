package dev.braid.app.alerts;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.background.BackgroundLoop;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.queue.ChildRunsStore;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import dev.braid.app.store.StoredRecipe;
import dev.braid.engine.model.Durations;
import dev.braid.engine.model.Recipe;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Evaluates every enabled recipe's {@code sla.notify} and {@code alerts:} (ARCHITECTURE §10) once per
 * {@code braid.alerts.interval}, on one node of the cluster at a time (a transaction-level advisory
 * lock), from the stats rollups — never from a scan of {@code runs}:
 * <ul>
 *   <li><b>sla</b>: breaches folded into the minute rollups since the last notification start the notify
 *       recipe, at most once per {@code sla.quiet};</li>
 *   <li><b>errorRate</b>: failed ÷ ended over the rule's window above its threshold;</li>
 *   <li><b>deadLetters</b>: open dead letters above the threshold;</li>
 *   <li><b>silence</b>: no run created for the rule's duration.</li>
 * </ul>
 * A rule notifies when it trips and when it clears ({@code alert_states} remembers which it is), in the
 * same transaction as that state, and the notify event carries a key of the rule, state and time, so a
 * repeated evaluation never starts it twice.
 */
@Component
public class AlertWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertWatch.class);
    /** The advisory lock that makes one node evaluate at a time ("braidALR"). */
    private static final long LOCK = 0x627261696441_4C52L;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What one evaluation started: the notify runs, by their alert body. */
    public record Check(boolean skipped, List<ObjectNode> notified) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final RecipeStore recipes;
    private final RecipeCatalog catalog;
    private final ChildRunsStore notifyTargets;
    private final Ingestion ingestion;
    private final AlertSettings settings;
    private final Clock clock;
    private final BackgroundLoop loop;

    @Autowired
    public AlertWatch(JdbcClient jdbc, PlatformTransactionManager transactions, RecipeStore recipes, RecipeCatalog catalog,
                      ChildRunsStore notifyTargets, Ingestion ingestion, AlertSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
        this.recipes = recipes;
        this.catalog = catalog;
        this.notifyTargets = notifyTargets;
        this.ingestion = ingestion;
        this.settings = settings;
        this.clock = clock;
        this.loop = new BackgroundLoop("braid-alerts", this::checkNow,
                e -> log.warn("Alert evaluation failed; trying again in {}: {}", settings.interval(), e.getMessage()));
    }

    /** As the server's, with another clock: a test's watch. */
    AlertWatch withClock(Clock other) {
        return new AlertWatch(jdbc, transactions.getTransactionManager(), recipes, catalog, notifyTargets, ingestion, settings, other);
    }

    /** One evaluation now, on this thread. */
    public Check checkNow() {
        return transactions.execute(status -> {
            Boolean mine = jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK).query(Boolean.class).single();
            if (!Boolean.TRUE.equals(mine)) {
                return new Check(true, List.of());
            }
            Instant now = clock.instant();
            List<ObjectNode> notified = new ArrayList<>();
            for (Recipe recipe : watched()) {
                if (recipe.sla() != null && recipe.sla().notifyRecipe() != null) {
                    sla(recipe, now).ifPresent(notified::add);
                }
                for (int i = 0; i < recipe.alerts().size(); i++) {
                    alert(recipe, i, recipe.alerts().get(i), now).ifPresent(notified::add);
                }
            }
            return new Check(false, notified);
        });
    }

    private List<Recipe> watched() {
        List<Recipe> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<StoredRecipe> page = recipes.list(after, 500);
            for (StoredRecipe stored : page) {
                catalog.current(stored.slug()).filter(RecipeCatalog.Current::enabled).map(RecipeCatalog.Current::recipe)
                        .filter(r -> !r.alerts().isEmpty() || (r.sla() != null && r.sla().notifyRecipe() != null))
                        .ifPresent(out::add);
            }
            if (page.size() < 500) {
                return out;
            }
            after = page.getLast().slug();
        }
    }

    private record State(boolean firing, Instant since, Instant notifiedAt) {}

    private Optional<State> state(String recipe, String rule) {
        return jdbc.sql("select firing, since, notified_at from alert_states where recipe = ? and rule = ?")
                .params(recipe, rule)
                .query((rs, n) -> new State(rs.getBoolean("firing"), instant(rs.getTimestamp("since")),
                        instant(rs.getTimestamp("notified_at"))))
                .optional();
    }

    private void save(String recipe, String rule, boolean firing, Instant since, Instant notifiedAt, double value, Instant now) {
        jdbc.sql("""
                insert into alert_states (recipe, rule, firing, since, notified_at, value, checked_at) values (?, ?, ?, ?, ?, ?, ?)
                on conflict (recipe, rule) do update set firing = excluded.firing, since = excluded.since,
                    notified_at = excluded.notified_at, value = excluded.value, checked_at = excluded.checked_at""")
                .params(recipe, rule, firing, ts(since), ts(notifiedAt), value, ts(now)).update();
    }

    /** Breaches folded since the last notification (or the quiet time before now), at most once per quiet time. */
    private Optional<ObjectNode> sla(Recipe recipe, Instant now) {
        Recipe.Sla sla = recipe.sla();
        Optional<State> state = state(recipe.slug(), "sla");
        Instant last = state.map(State::notifiedAt).orElse(null);
        if (last != null && Duration.between(last, now).compareTo(sla.quiet()) < 0) {
            return Optional.empty();
        }
        // Minute rows after the one the last notification was made in: a breach in that same minute folded into it.
        Instant from = last != null ? last.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60) : now.minus(sla.quiet());
        long breaches = jdbc.sql("""
                select coalesce(sum(sla_breaches), 0) from stats_rollups
                 where tier = 'minute' and recipe = ? and at >= date_trunc('minute', ?::timestamptz) and at <= ?""")
                .params(recipe.slug(), ts(from), ts(now)).query(Long.class).single();
        if (breaches == 0) {
            save(recipe.slug(), "sla", false, state.map(State::since).orElse(null), last, 0, now);
            return Optional.empty();
        }
        ObjectNode body = body(recipe, "sla", "breached", now);
        body.put("breaches", breaches).put("maxLatency", Durations.format(sla.maxLatency()))
                .put("from", from.toString()).put("quiet", Durations.format(sla.quiet()));
        save(recipe.slug(), "sla", true, now, now, breaches, now);
        return start(recipe, sla.notifyRecipe(), body, "alert:" + recipe.slug() + ":sla:" + now.toEpochMilli());
    }

    private Optional<ObjectNode> alert(Recipe recipe, int index, Recipe.Alert alert, Instant now) {
        String rule = "alerts[" + index + "]:" + alert.rule().wire();
        double value = measure(recipe.slug(), alert, now);
        boolean firing = switch (alert.rule()) {
            case ERROR_RATE, DEAD_LETTERS -> value > alert.above();
            case SILENCE -> value >= alert.window().toSeconds();
        };
        Optional<State> state = state(recipe.slug(), rule);
        boolean was = state.map(State::firing).orElse(false);
        if (firing == was) {
            save(recipe.slug(), rule, firing, state.map(State::since).orElse(null), state.map(State::notifiedAt).orElse(null),
                    value, now);
            return Optional.empty();
        }
        save(recipe.slug(), rule, firing, now, now, value, now);
        ObjectNode body = body(recipe, alert.rule().wire(), firing ? "firing" : "cleared", now);
        body.put("value", value);
        switch (alert.rule()) {
            case ERROR_RATE -> body.put("above", alert.above()).put("window", Durations.format(alert.window()));
            case DEAD_LETTERS -> body.put("above", (long) alert.above());
            case SILENCE -> body.put("for", Durations.format(alert.window()));
        }
        if (!firing && state.map(State::since).isPresent()) {
            body.put("firingSince", state.get().since().toString());
        }
        return start(recipe, alert.notifyRecipe(), body,
                "alert:" + recipe.slug() + ":" + rule + ":" + (firing ? "firing" : "cleared") + ":" + now.toEpochMilli());
    }

    /** errorRate: failed share of ended runs in the window (0 without any); deadLetters: open ones; silence: seconds since the last run. */
    private double measure(String recipe, Recipe.Alert alert, Instant now) {
        return switch (alert.rule()) {
            case ERROR_RATE -> jdbc.sql("""
                    select coalesce(sum(failed)::float8 / nullif(sum(failed) + sum(succeeded), 0), 0) from stats_rollups
                     where tier = 'minute' and recipe = ? and at >= date_trunc('minute', ?::timestamptz) and at <= ?""")
                    .params(recipe, ts(now.minus(alert.window())), ts(now)).query(Double.class).single();
            case DEAD_LETTERS -> jdbc.sql("select count(*) from dead_letters where recipe = ? and status = 'open'")
                    .param(recipe).query(Long.class).single();
            case SILENCE -> {
                // Run ids are UUIDv7: the newest one's first 48 bits are its creation time. No run yet: since the recipe was saved.
                Instant last = jdbc.sql("select id from runs where recipe = ? order by id desc limit 1").param(recipe)
                        .query(UUID.class).optional().map(id -> Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16))
                        .orElseGet(() -> recipes.find(recipe).map(StoredRecipe::updatedAt).orElse(now));
                yield Math.max(0, Duration.between(last, now).toSeconds());
            }
        };
    }

    private static ObjectNode body(Recipe recipe, String rule, String state, Instant now) {
        ObjectNode body = NODES.objectNode();
        body.putObject("alert").put("recipe", recipe.slug()).put("rule", rule).put("state", state).put("at", now.toString());
        return body;
    }

    /** Starts the notify recipe with {@code body}, keyed so that the same trip or clear never starts it twice. */
    private Optional<ObjectNode> start(Recipe recipe, String target, ObjectNode body, String key) {
        ObjectNode alert = (ObjectNode) body.get("alert");
        body.remove("alert");
        alert.setAll(body);
        ObjectNode wrapped = NODES.objectNode();
        wrapped.set("alert", alert);
        Optional<String> refusal = notifyTargets.refusal(target);
        if (refusal.isPresent()) {
            log.warn("Recipe {}: alert {} is {} but its notify recipe could not start: {}", recipe.slug(), alert.path("rule").asString(),
                    alert.path("state").asString(), refusal.get());
            return Optional.empty();
        }
        ObjectNode context = NODES.objectNode().put("type", "manual");
        context.set("body", wrapped);
        ingestion.accept(Ingestion.Target.of(catalog.current(target).orElseThrow()).as("notify"), TriggerEvent.of(context, key));
        log.info("Recipe {}: alert {} {} — started {}", recipe.slug(), alert.path("rule").asString(), alert.path("state").asString(),
                target);
        return Optional.of(wrapped);
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    @Override
    public void start() {
        loop.start(settings.interval(), settings.interval());
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.running();
    }
}
