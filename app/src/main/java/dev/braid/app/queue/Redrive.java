package dev.braid.app.queue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.refusal.Conflict;
import dev.braid.app.refusal.NotFound;
import dev.braid.app.refusal.Refused;
import dev.braid.app.store.DeadLetterStore;
import dev.braid.app.store.DeadLetterStore.DeadLetterRow;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RecipeStore;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.app.store.StepStore;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Step;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dead-letter replay (ARCHITECTURE §3 "Dead letters"): a new run of the dead letter's recipe, origin
 * {@code replay}, either resuming after the failed step (the original run's finished checkpoints are
 * copied, so finished steps are not called again) or from the trigger. Each replay is one transaction:
 * the new run, its checkpoints and the dead letter's {@code replayed} mark commit together or not at all.
 */
@Service
public class Redrive {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Where a replay starts. */
    public enum From {
        FAILED_STEP("failed-step"), TRIGGER("trigger");

        private final String wire;

        From(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Optional<From> fromWire(String s) {
            for (From f : values()) {
                if (f.wire.equals(s)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    public record Replayed(UUID deadLetterId, UUID runId) {}

    public record Skipped(UUID deadLetterId, String reason) {}

    public record Bulk(List<Replayed> runs, List<Skipped> skipped) {}

    private final DeadLetterStore deadLetters;
    private final RunStore runs;
    private final Ingestion ingestion;
    private final RecipeCatalog catalog;
    private final RecipeStore recipes;
    private final StepStore steps;
    private final TransactionTemplate tx;
    private final Clock clock;

    public Redrive(DeadLetterStore deadLetters, RunStore runs, Ingestion ingestion, RecipeCatalog catalog, RecipeStore recipes,
                   StepStore steps, PlatformTransactionManager transactions, Clock clock) {
        this.deadLetters = deadLetters;
        this.runs = runs;
        this.ingestion = ingestion;
        this.catalog = catalog;
        this.recipes = recipes;
        this.steps = steps;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /**
     * Replays one dead letter. {@code version} null: the recipe's current version; {@code payload}
     * null: the original trigger body, otherwise it replaces it (edit and redrive).
     */
    public Replayed replay(UUID deadLetterId, From from, Integer version, JsonNode payload, String user) {
        return tx.execute(s -> replayLocked(deadLetterId, from, version, payload, user));
    }

    /** Each dead letter in its own transaction: one that cannot be replayed is listed, the rest go on. */
    public Bulk replayAll(DeadLetterStore.DeadLetterFilter filter, int limit, From from, Integer version, String user) {
        List<Replayed> done = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (DeadLetterRow row : deadLetters.list(filter, null, limit)) {
            try {
                done.add(replay(row.id(), from, version, null, user));
            } catch (Refused e) {
                skipped.add(new Skipped(row.id(), e.getMessage()));
            } catch (RuntimeException e) {
                skipped.add(new Skipped(row.id(), "replay failed: " + e.getMessage()));
            }
        }
        return new Bulk(done, skipped);
    }

    /** Marks the dead letter discarded; it stays listed. Idempotent: a discarded one stays discarded. */
    public DeadLetterRow discard(UUID id) {
        return tx.execute(s -> {
            deadLetters.lock(id).orElseThrow(() -> new NotFound("No dead letter '" + id + "' exists"));
            deadLetters.discard(id);
            return deadLetters.find(id).orElseThrow();
        });
    }

    private Replayed replayLocked(UUID id, From from, Integer version, JsonNode payload, String user) {
        DeadLetterRow dead = deadLetters.lock(id)
                .orElseThrow(() -> new NotFound("No dead letter '" + id + "' exists"));
        if ("discarded".equals(dead.status())) {
            throw new Conflict("Dead letter " + id + " was discarded; a discarded dead letter cannot be replayed");
        }
        RunRow original = dead.runId() == null ? null : runs.find(dead.runId()).orElse(null);
        // Without the original run there are no checkpoints to resume from: the payload is all there is.
        From start = original == null || dead.step() == null ? From.TRIGGER : from;
        int chosen = version(dead.recipe(), version);
        if (start == From.FAILED_STEP) {
            Recipe recipe = catalog.version(dead.recipe(), chosen);
            if (!hasStep(recipe.steps(), dead.step())) {
                throw new Conflict("Version " + chosen + " of recipe '" + dead.recipe() + "' has no step '"
                        + dead.step() + "' to resume from; replay with \"from\": \"trigger\" or choose a \"version\" "
                        + "that has that step");
            }
        }
        JsonNode trigger = trigger(original == null ? dead.payload() : original.trigger(), payload);
        UUID runId = ingestion.rerun(dead.recipe(), chosen, "replay", original == null ? null : original.eventId(),
                original == null ? null : original.id(), trigger);
        if (start == From.FAILED_STEP) {
            steps.copyCheckpoints(original.id(), runId, dead.step());
        }
        ObjectNode entry = NODES.objectNode();
        entry.put("runId", runId.toString());
        entry.put("at", clock.instant().toString());
        entry.put("by", user);
        entry.put("from", start.wire());
        deadLetters.markReplayed(id, entry);
        return new Replayed(id, runId);
    }

    private int version(String slug, Integer version) {
        if (version == null) {
            return catalog.current(slug).map(RecipeCatalog.Current::version)
                    .orElseThrow(() -> new NotFound("Recipe '" + slug + "' no longer exists"));
        }
        if (recipes.findVersion(slug, version).isEmpty()) {
            throw new NotFound("Recipe '" + slug + "' has no version " + version);
        }
        return version;
    }

    private static JsonNode trigger(JsonNode original, JsonNode payload) {
        ObjectNode trigger = original != null && original.isObject() ? ((ObjectNode) original).deepCopy()
                : NODES.objectNode();
        if (payload != null && !payload.isMissingNode()) {
            trigger.set("body", payload);
        }
        return trigger;
    }

    /**
     * Whether the step path (e.g. {@code lines[2].reserve}, {@code check.then.notify}) names a step of
     * these steps: indexes are dropped, {@code then}/{@code else} branch names are followed.
     */
    static boolean hasStep(List<Step> steps, String path) {
        List<Step> level = steps;
        Step current = null;
        boolean branchNamed = false;
        for (String raw : path.split("\\.")) {
            String id = raw.replaceAll("\\[\\d+]", "");
            if (current instanceof Step.IfStep branch && (id.equals("then") || id.equals("else"))) {
                level = id.equals("then") ? branch.then() : branch.otherwise();
                branchNamed = true;
                continue;
            }
            Step found = null;
            for (Step s : level) {
                if (s.id().equals(id)) {
                    found = s;
                }
            }
            if (found == null && !branchNamed && current instanceof Step.IfStep branch) {
                found = find(branch.then(), id);
                if (found == null) {
                    found = find(branch.otherwise(), id);
                }
            }
            if (found == null) {
                return false;
            }
            current = found;
            branchNamed = false;
            level = switch (found) {
                case Step.ForeachStep f -> f.steps();
                case Step.IfStep i -> i.then();
                default -> List.of();
            };
        }
        return current != null;
    }

    private static Step find(List<Step> steps, String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
