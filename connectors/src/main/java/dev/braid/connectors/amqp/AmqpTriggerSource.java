package dev.braid.connectors.amqp;

import dev.braid.connectors.source.SourceSchema;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;

/**
 * The consuming side of the amqp connector, the {@code amqp:} trigger:
 *
 * <pre>{@code
 * trigger:
 *   amqp: { connection: rabbit, queue: orders, prefetch: 250, format: json,
 *           batch: { maxSize: 500, maxWait: 5s } }     # batch optional
 * }</pre>
 *
 * One {@link QueueConsumer} per recipe version on its own connection; several nodes consume the same queue
 * side by side, as competing consumers (the broker shares the messages out).
 */
final class AmqpTriggerSource implements TriggerSource {

    static final int DEFAULT_PREFETCH = 250;

    static final JsonNode SCHEMA = SourceSchema.of("amqp", """
            {
              "queue": {"type": "string", "description": "name the queue to consume (it must exist), e.g. queue: orders"},
              "prefetch": {"type": "integer", "minimum": 1, "maximum": 65535,
                           "description": "How many unacknowledged messages the broker sends ahead (default 250; with batch at least maxSize)"},
              "format": {"type": "string", "enum": ["json", "text"], "description": "json (default): the body is parsed as JSON; text: kept as text"}
            }
            """, new String[] {"queue"}, "24h");

    @Override
    public String type() {
        return "amqp";
    }

    @Override
    public JsonNode settingsSchema() {
        return SCHEMA.deepCopy();
    }

    @Override
    public Running start(TriggerContext context) {
        if (!(context.settings() instanceof TriggerSettings.Source settings)) {
            throw new IllegalArgumentException("The amqp trigger source was handed " + context.settings().type().wire()
                    + " settings");
        }
        AmqpSettings connection;
        try {
            connection = AmqpSettings.from(context.connection());
        } catch (ActionException e) {
            throw new IllegalStateException("The trigger's amqp connection '" + settings.connection() + "' is not usable: "
                    + e.getMessage(), e);
        }
        JsonNode options = settings.options();
        String queue = options.path("queue").asString("");
        if (queue.isBlank()) {
            throw new IllegalArgumentException("The amqp trigger of recipe '" + context.recipe() + "' names no queue");
        }
        int prefetch = options.path("prefetch").asInt(DEFAULT_PREFETCH);
        if (settings.batch() != null) {
            // A batch can only fill up to what the broker sends ahead unacknowledged.
            prefetch = Math.max(prefetch, Math.min(settings.batch().maxSize(), 65_535));
        }
        QueueConsumer consumer = new QueueConsumer(context, connection, queue, prefetch,
                !"text".equals(options.path("format").asString("json")), settings.batch());
        consumer.start();
        return consumer;
    }
}
