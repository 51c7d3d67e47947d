package dev.braid.engine.spi;

import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The consuming side of a connector, beside its {@link Action}s (the producing side): it reads events
 * from an outside system (a Kafka topic, an MQTT subscription, an AMQP queue, an S3 prefix) and hands
 * them to Braid, which stores them and starts their runs. A connector ships its sources through
 * {@link Connector#triggers()}; the server finds them with the connectors, through
 * {@link java.util.ServiceLoader}.
 *
 * <p>The server starts one source per enabled recipe version whose trigger is of {@link #type()}, on
 * every node (sources that share work between nodes use the outside system's own means, such as a
 * Kafka consumer group), and stops it when the recipe is disabled, deleted or changed, or the node
 * shuts down. The contract that keeps events from being lost (ARCHITECTURE §3):
 *
 * <ol>
 *   <li>{@link TriggerContext#accept} returns only after the events <em>and their runs</em> are
 *       committed to the database; it throws if they are not.</li>
 *   <li>The source acknowledges to the outside system (commits an offset, acks a message, deletes a
 *       file) only after {@code accept} has returned — never before, never for an event not yet
 *       handed over. An event that is read again after a crash between the two is recognised by its
 *       natural key ({@link SourceEvent#naturalKey()}) and starts nothing.</li>
 *   <li>An event that cannot be read as the recipe wants goes to {@link TriggerContext#unreadable}
 *       (a dead letter without a run) and may then be acknowledged: one bad event never stops a
 *       source.</li>
 *   <li>When {@code accept} throws (the database is down), the source acknowledges nothing and reads
 *       again from its last acknowledgement after a pause, as a restart would.</li>
 * </ol>
 *
 * <pre>{@code
 * final class TickSource implements TriggerSource {
 *   public String type() { return "tick"; }
 *   public Running start(TriggerContext ctx) {
 *     var timer = Executors.newSingleThreadScheduledExecutor();
 *     timer.scheduleAtFixedRate(() -> ctx.accept(List.of(SourceEvent.of(
 *         JsonNodeFactory.instance.objectNode().put("type", "tick"), ctx.clock().instant().toString()))), 0, 1, SECONDS);
 *     return timeout -> timer.shutdownNow();
 *   }
 * }
 * }</pre>
 */
public interface TriggerSource {

    /** The trigger type it serves: the key under {@code trigger:} in a recipe, e.g. {@code kafka}. */
    String type();

    /**
     * JSON Schema of the trigger's settings, for the catalogue and editors. The recipe parser has
     * already checked them by the time {@link #start} sees {@link TriggerContext#settings()}.
     */
    default JsonNode settingsSchema() {
        return JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    /**
     * Starts consuming for one recipe version and returns at once, the work going on in the source's
     * own threads. Throws {@link IllegalArgumentException} or {@link IllegalStateException} with a
     * sentence an operator can act on when it cannot start (a connection that is not usable); the
     * server logs it and tries again on its next refresh.
     */
    Running start(TriggerContext context);

    /** A started source. */
    @FunctionalInterface
    interface Running {

        /**
         * Stops reading, hands over what it still holds (a waiting batch), acknowledges what was
         * accepted and releases its resources; waits at most {@code timeout}.
         */
        void stop(Duration timeout);
    }
}
