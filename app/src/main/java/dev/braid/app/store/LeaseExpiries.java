package dev.braid.app.store;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import dev.braid.engine.run.StepStatus;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The poison-run rule (issue 14): a run whose attempts end again and again with its lease running out —
 * its node died (a JVM halted by a connector, memory exhausted, SIGKILL) or stalled — would be claimed for
 * ever and take node after node down. Each lease expiry is counted ({@code runs.lease_expiries}); progress,
 * a step that finished, resets the count; at {@code braid.worker.poison-after} expiries in a row the run
 * ends {@code failed} ({@link RunChange#POISON}) with a dead letter of type {@value #TYPE} instead of being
 * queued again. A node's shutdown release is not an expiry: its attempt was handed back in order.
 */
public final class LeaseExpiries {

    /** The error type of a run given up as poison. */
    public static final String TYPE = "run.poison";
    /** How many nodes {@code runs.lease_holders} remembers (the latest): enough to tell one bad node from all. */
    static final int HOLDERS_KEPT = 10;

    private LeaseExpiries() {}

    /**
     * Whether a checkpoint shows progress: a step record in it finished (succeeded, failed, skipped,
     * cancelled). A side-effecting step's {@code running} record — written before the call that may take
     * the node down — and a {@code retrying} or {@code waiting} record are not.
     */
    public static boolean progress(List<StepStore.SeqRecord> records) {
        return records.stream().anyMatch(r -> r.record().status().terminal());
    }

    /** Whether the lease expiry that is about to be counted, after {@code expiriesSoFar}, gives the run up. */
    public static boolean poisoned(int expiriesSoFar, int poisonAfter) {
        return expiriesSoFar + 1 >= poisonAfter;
    }

    /** A run whose lease ran out once too often, as read just before it is given up. */
    public record Poisoned(UUID runId, String recipe, String holder, int expiriesSoFar, List<String> earlierHolders,
                           String step, String triggerJson) {

        public Poisoned {
            earlierHolders = earlierHolders == null ? List.of() : List.copyOf(earlierHolders);
        }

        public int expiries() {
            return expiriesSoFar + 1;
        }

        /** Every node whose lease of this run expired, oldest first, this last one included. */
        public List<String> holders() {
            List<String> all = new java.util.ArrayList<>(earlierHolders);
            all.add(holder);
            return all.subList(Math.max(0, all.size() - HOLDERS_KEPT), all.size());
        }

        /** The run's error and the dead letter's: what happened, where, and what the operator can do. */
        public ObjectNode error() {
            LinkedHashSet<String> nodes = new LinkedHashSet<>(holders());
            String where = step == null
                    ? "before any side-effecting step started (in a pure step such as core.transform, or between steps)"
                    : "in step '" + step + "'";
            String message = "Given up after " + expiries() + " lease expiries in a row without a step finishing: each "
                    + "attempt ended with its node dying or stalling " + where + " (node" + (nodes.size() == 1 ? " " : "s ")
                    + String.join(", ", nodes) + "). Find what takes the node down there (memory, a crash, a stalled "
                    + "call), then retry the run or replay this dead letter.";
            ObjectNode error = JsonNodeFactory.instance.objectNode()
                    .put("type", TYPE)
                    .put("message", message)
                    .put("leaseExpiries", expiries());
            var array = error.putArray("nodes");
            holders().forEach(array::add);
            if (step != null) {
                error.put("step", step);
            }
            return error;
        }
    }
}
