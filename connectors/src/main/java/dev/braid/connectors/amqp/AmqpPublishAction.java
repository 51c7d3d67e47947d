package dev.braid.connectors.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code amqp.publish {exchange, routingKey, payload, headers, persistent}} → {@code {exchange, routingKey,
 * messageId, bytes}}: one message, confirmed by the broker (publisher confirms) before the step succeeds.
 * Its {@code message-id} is the step's idempotency key, the same on every attempt, so a consumer (Braid's
 * own {@code amqp:} trigger among them) drops the repeat of a retried step.
 */
final class AmqpPublishAction implements Action {

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "exchange": {"type": "string", "description": "The exchange to publish to; empty or left out: the default exchange, where the routing key names a queue."},
                "routingKey": {"type": "string", "description": "The routing key, e.g. orders.created (or the queue's name on the default exchange)."},
                "payload": {"description": "The message body: a text is sent as it is (text/plain), any other value as JSON (application/json)."},
                "headers": {"type": "object", "description": "Message headers as name: value."},
                "persistent": {"type": "boolean", "description": "Whether a durable queue keeps the message over a broker restart (default true)."}
              },
              "required": ["routingKey", "payload"],
              "additionalProperties": false
            }
            """);

    private final AmqpConnector connector;

    AmqpPublishAction(AmqpConnector connector) {
        this.connector = connector;
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public String description() {
        return "Publishes one message to an AMQP 0-9-1 exchange (RabbitMQ) and waits for the broker's confirm; the "
                + "step's idempotency key is its message id. Answers {exchange, routingKey, messageId, bytes}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"exchange": "orders", "routingKey": "orders.created", "payload": "{{ trigger.body }}", "headers": {"source": "braid"}}
                """);
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        AmqpSettings settings = AmqpSettings.from(ctx.connection());
        String exchange = with.path("exchange").asString("");
        String routingKey = with.get("routingKey").stringValue();
        JsonNode payload = with.get("payload");
        byte[] body = (payload.isString() ? payload.stringValue() : payload.toString()).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> h : with.path("headers").properties()) {
            headers.put(h.getKey(), h.getValue().isString() ? h.getValue().stringValue() : h.getValue().toString());
        }
        var out = JsonNodeFactory.instance.objectNode().put("exchange", exchange).put("routingKey", routingKey)
                .put("messageId", ctx.idempotencyKey()).put("bytes", body.length);
        if (ctx.dryRun()) {
            return ActionResult.of(out.put("dryRun", true));
        }
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .messageId(ctx.idempotencyKey())
                .contentType(payload.isString() ? "text/plain" : "application/json")
                .contentEncoding("utf-8")
                .deliveryMode(with.path("persistent").asBoolean(true) ? 2 : 1)
                .timestamp(java.util.Date.from(ctx.clock().instant()))
                .headers(headers)
                .build();
        String what = "publishing to exchange '" + exchange + "' with routing key '" + routingKey + "' at " + settings.where();
        try (Channel channel = connector.connection(settings).createChannel()) {
            channel.confirmSelect();
            channel.basicPublish(exchange, routingKey, properties, body);
            channel.waitForConfirmsOrDie(Math.max(1, ctx.remaining().toMillis()));
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw AmqpFailure.of(e, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActionException.retryable(AmqpFailure.RETRYABLE, what + " was interrupted before the broker confirmed", e);
        }
        return ActionResult.of(out);
    }
}
