package dev.braid.app.triggers.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.quartz.SchedulerException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.cdc.CdcSlots;
import dev.braid.app.triggers.kafka.KafkaLag;
import dev.braid.app.triggers.poll.PollHealth;
import dev.braid.app.triggers.schedule.ScheduleHealth;
import dev.braid.app.triggers.webhook.WebhookRefusals;
import dev.braid.engine.model.Durations;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.parse.RecipeValidationException;

/**
 * The trigger health board ({@code GET /api/v1/triggers}, {@link TriggerLagGauges}): one {@link TriggerHealth}
 * per enabled recipe whose trigger is not manual. Every figure is read from where it lives and the whole
 * cluster shares — the broker (consumer lag), the source database (its replication slot), the poll tables,
 * Quartz's job store and the recorded fire times, the webhook refusal counts — never from what one node
 * remembers, so any node gives the same answer. Read at most once per {@code braid.trigger-health.cache}
 * on each node; a figure that cannot be read makes its recipe {@code failing} with the reason, never the
 * whole board.
 */
@Component
public class TriggerBoard {

    /** How long after a save or enable a trigger that does not read yet is {@code starting} rather than {@code failing}. */
    static final Duration GRACE = Duration.ofMinutes(2);
    static final Duration REFUSALS_WINDOW = Duration.ofHours(24);

    private record Enabled(String slug, String name, Instant savedAt) {}

    private record Read(Instant at, List<TriggerHealth> board) {}

    private final JdbcClient jdbc;
    private final RecipeCatalog catalog;
    private final KafkaLag kafka;
    private final CdcSlots slots;
    private final PollHealth polls;
    private final ScheduleHealth schedules;
    private final WebhookRefusals refusals;
    private final TriggerHealthSettings settings;
    private final Clock clock;
    private volatile Read last;

    public TriggerBoard(JdbcClient jdbc, RecipeCatalog catalog, KafkaLag kafka, CdcSlots slots, PollHealth polls,
                        ScheduleHealth schedules, WebhookRefusals refusals, TriggerHealthSettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.kafka = kafka;
        this.slots = slots;
        this.polls = polls;
        this.schedules = schedules;
        this.refusals = refusals;
        this.settings = settings;
        this.clock = clock;
    }

    /** The board, read again when the last read is older than the cache time. */
    public List<TriggerHealth> board() {
        Read read = last;
        Instant now = clock.instant();
        if (read != null && read.at().plus(settings.cache()).isAfter(now)) {
            return read.board();
        }
        synchronized (this) {
            read = last;
            now = clock.instant();
            if (read != null && read.at().plus(settings.cache()).isAfter(now)) {
                return read.board(); // read by the caller that held the lock
            }
            List<TriggerHealth> board = readNow(now);
            last = new Read(now, board);
            return board;
        }
    }

    private List<TriggerHealth> readNow(Instant now) {
        List<Enabled> enabled = jdbc.sql("""
                select slug, name, updated_at from recipes where enabled and trigger_type <> 'manual' order by slug""")
                .query((rs, n) -> new Enabled(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant())).list();
        List<TriggerHealth> out = new ArrayList<>(enabled.size());
        Map<String, CdcRead> sources = new HashMap<>();
        Map<String, Map<Integer, Long>> refused = enabled.isEmpty() ? Map.of() : refusals.since(now.minus(REFUSALS_WINDOW));
        for (Enabled recipe : enabled) {
            Optional<RecipeCatalog.Current> current;
            try {
                current = catalog.current(recipe.slug());
            } catch (RecipeValidationException e) {
                out.add(new TriggerHealth(recipe.slug(), recipe.name(), null, TriggerHealth.FAILING, recipe.savedAt(),
                        "Its current version cannot be read, so its trigger does not run: " + e.getMessage(),
                        null, null, null, null, null));
                continue;
            }
            if (current.isEmpty() || !current.get().enabled()) {
                continue; // deleted or disabled since the list was read
            }
            TriggerSettings trigger = current.get().recipe().trigger().settings();
            TriggerHealth base = new TriggerHealth(recipe.slug(), recipe.name(), trigger.type().wire(), TriggerHealth.OK,
                    recipe.savedAt(), null, null, null, null, null, null);
            TriggerHealth health = switch (trigger) {
                case TriggerSettings.Kafka k -> kafka(base, k, recipe, now);
                case TriggerSettings.Cdc c -> cdc(base, c, recipe, now,
                        sources.computeIfAbsent(c.connection(), this::readSlot));
                case TriggerSettings.Poll p -> poll(base, p, now);
                case TriggerSettings.Schedule s -> schedule(base, s, now);
                case TriggerSettings.Webhook w -> webhook(base, refused.getOrDefault(recipe.slug(), WebhookRefusals.none()));
                default -> null;
            };
            if (health != null) {
                out.add(health);
            }
        }
        return List.copyOf(out);
    }

    private TriggerHealth kafka(TriggerHealth base, TriggerSettings.Kafka trigger, Enabled recipe, Instant now) {
        dev.braid.connectors.kafka.ConsumerLag.Lag lag;
        try {
            lag = kafka.of(recipe.slug(), trigger);
        } catch (RuntimeException e) {
            TriggerHealth failed = withFigures(base, new TriggerHealth.Kafka(trigger.topic(), null, null, null, null, null));
            return withinGrace(recipe, now) ? failed.with(TriggerHealth.STARTING, recipe.savedAt(), e.getMessage())
                    : failed.with(TriggerHealth.FAILING, null, e.getMessage());
        }
        TriggerHealth h = withFigures(base, new TriggerHealth.Kafka(trigger.topic(), lag.lag(), lag.partitions(), lag.assigned(),
                lag.readers(), lag.groupState()));
        String behind = String.format("%,d message%s behind", lag.lag(), lag.lag() == 1 ? "" : "s");
        if (lag.assigned() == 0) {
            String why = "No consumer holds a partition of '" + trigger.topic() + "' yet; " + behind;
            return withinGrace(recipe, now) ? h.with(TriggerHealth.STARTING, recipe.savedAt(), why)
                    : h.with(TriggerHealth.FAILING, null, "No node reads '" + trigger.topic() + "'; " + behind);
        }
        if (lag.lag() >= settings.kafkaLag()) {
            return h.with(TriggerHealth.LAGGING, null, behind);
        }
        return h.with(TriggerHealth.OK, recipe.savedAt(), behind);
    }

    /** One read per source: recipes on one connection share its slot. */
    private record CdcRead(Optional<CdcSlots.Slot> slot, String error) {}

    private CdcRead readSlot(String connection) {
        try {
            return new CdcRead(slots.of(connection), null);
        } catch (RuntimeException e) {
            return new CdcRead(Optional.empty(), e.getMessage());
        }
    }

    private TriggerHealth cdc(TriggerHealth base, TriggerSettings.Cdc trigger, Enabled recipe, Instant now, CdcRead read) {
        String slotName = CdcSlots.slotName(trigger.connection());
        if (read.error() != null) {
            return withFigures(base, new TriggerHealth.Cdc(trigger.connection(), slotName, false, false, false, null, null))
                    .with(TriggerHealth.FAILING, null, read.error());
        }
        if (read.slot().isEmpty()) {
            TriggerHealth h = withFigures(base, new TriggerHealth.Cdc(trigger.connection(), slotName, false, false, false, null, null));
            return withinGrace(recipe, now)
                    ? h.with(TriggerHealth.STARTING, recipe.savedAt(), "The replication slot " + slotName + " is being created")
                    : h.with(TriggerHealth.FAILING, null, "No replication slot " + slotName + " on the source: no node reads it");
        }
        CdcSlots.Slot slot = read.slot().get();
        TriggerHealth h = withFigures(base, new TriggerHealth.Cdc(trigger.connection(), slot.name(), true, slot.active(),
                slot.streaming(), slot.lagBytes(), slot.retainedBytes()));
        if (!slot.active()) {
            return withinGrace(recipe, now)
                    ? h.with(TriggerHealth.STARTING, recipe.savedAt(), "Waiting for a node to attach to slot " + slot.name())
                    : h.with(TriggerHealth.FAILING, null, "No node reads slot " + slot.name() + "; the source keeps its WAL meanwhile");
        }
        if (!slot.streaming()) {
            return h.with(TriggerHealth.STARTING, recipe.savedAt(), "Slot " + slot.name()
                    + " is reaching its consistent point; changes are captured once it has");
        }
        String behind = "streaming, " + bytes(slot.lagBytes()) + " behind";
        if (slot.lagBytes() != null && slot.lagBytes() >= settings.cdcLag().toBytes()) {
            return h.with(TriggerHealth.LAGGING, null, behind);
        }
        return h.with(TriggerHealth.OK, recipe.savedAt(), behind);
    }

    private TriggerHealth poll(TriggerHealth base, TriggerSettings.Poll trigger, Instant now) {
        PollHealth.Status s = polls.of(base.recipe(), trigger, now);
        TriggerHealth h = withFigures(base, new TriggerHealth.Poll(s.cursor(), s.lastPoll(), s.nextPoll(),
                trigger.every() == null ? null : Durations.format(trigger.every()), trigger.cron(), s.error(), s.errorAt()));
        if (s.error() != null) {
            return h.with(TriggerHealth.FAILING, s.errorAt(), "The last poll failed: " + s.error());
        }
        if (s.lastPoll() == null) {
            return h.with(TriggerHealth.STARTING, base.since(), "Not polled yet");
        }
        if (trigger.every() != null && s.nextPoll() != null && now.isAfter(s.nextPoll().plus(trigger.every()).plusSeconds(30))) {
            return h.with(TriggerHealth.LAGGING, s.lastPoll(), "Overdue: last polled at " + s.lastPoll());
        }
        return h.with(TriggerHealth.OK, s.lastPoll(), "Cursor " + (s.cursor() == null ? "none" : s.cursor().toString()));
    }

    private TriggerHealth schedule(TriggerHealth base, TriggerSettings.Schedule trigger, Instant now) {
        ScheduleHealth.Status s;
        try {
            s = schedules.of(base.recipe(), trigger, now);
        } catch (SchedulerException | RuntimeException e) {
            return withFigures(base, new TriggerHealth.Schedule(trigger.cron(), trigger.timezone().getId(), null, null, 0))
                    .with(TriggerHealth.FAILING, null, "The schedule cannot be read: " + e.getMessage());
        }
        TriggerHealth h = withFigures(base, new TriggerHealth.Schedule(trigger.cron(), trigger.timezone().getId(), s.lastFire(),
                s.nextFire(), s.missed()));
        String missed = s.missed() + " missed in 24 h";
        if (s.nextFire() == null) {
            return h.with(TriggerHealth.FAILING, s.lastFire(), "No next fire time is armed; " + missed);
        }
        if (s.nextFire().isBefore(now.minus(Duration.ofMinutes(2)))) {
            return h.with(TriggerHealth.LAGGING, s.lastFire(), "Overdue: due at " + s.nextFire() + " and not fired; " + missed);
        }
        return h.with(TriggerHealth.OK, s.lastFire(), "Next fire at " + s.nextFire() + "; " + missed);
    }

    private TriggerHealth webhook(TriggerHealth base, Map<Integer, Long> counts) {
        TriggerHealth h = withFigures(base, new TriggerHealth.Webhook(counts));
        return h.with(TriggerHealth.OK, base.since(), "Refused in 24 h: " + counts.get(401) + "×401, " + counts.get(429)
                + "×429, " + counts.get(413) + "×413");
    }

    private static boolean withinGrace(Enabled recipe, Instant now) {
        return recipe.savedAt().plus(GRACE).isAfter(now);
    }

    private static TriggerHealth withFigures(TriggerHealth b, Object figures) {
        return new TriggerHealth(b.recipe(), b.name(), b.type(), b.state(), b.since(), b.detail(),
                figures instanceof TriggerHealth.Kafka k ? k : null, figures instanceof TriggerHealth.Cdc c ? c : null,
                figures instanceof TriggerHealth.Poll p ? p : null, figures instanceof TriggerHealth.Schedule s ? s : null,
                figures instanceof TriggerHealth.Webhook w ? w : null);
    }

    static String bytes(Long n) {
        if (n == null) {
            return "? bytes";
        }
        if (n < 1024) {
            return n + " bytes";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f kB", n / 1024.0);
        }
        return String.format("%.1f MB", n / (1024.0 * 1024));
    }
}
