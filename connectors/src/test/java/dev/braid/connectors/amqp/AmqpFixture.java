package dev.braid.connectors.amqp;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code amqp.publish} against Qpid Broker-J on loopback, into the queue {@code orders}, read back with basic.get. */
final class AmqpFixture implements ActionFixture {

    final QpidBroker broker = new QpidBroker();
    final List<GetResponse> received = new ArrayList<>();
    private final AmqpConnector connector = new AmqpConnector();
    private final Connection reader;
    private final Channel channel;

    AmqpFixture() {
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setHost("127.0.0.1");
            f.setPort(broker.port());
            reader = f.newConnection();
            channel = reader.createChannel();
            channel.queueDeclare("orders", true, false, false, null);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Action action() {
        return connector.actions().get("publish");
    }

    @Override
    public ObjectNode validInput() {
        return object("{routingKey: 'orders', payload: {order: 7, total: 19.5}, headers: {source: 'shop'}}");
    }

    @Override
    public JsonNode connection() {
        return json("{host: '127.0.0.1', port: " + broker.port() + ", username: 'braid', password: 's3cr3t-amqp'}");
    }

    @Override
    public List<String> secretValues() {
        return List.of("s3cr3t-amqp");
    }

    /** Messages in the queue so far: publishing is confirmed before the step returns, so they are there at once. */
    @Override
    public int effects() {
        try {
            GetResponse r;
            while ((r = channel.basicGet("orders", true)) != null) {
                received.add(r);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return received.size();
    }

    @Override
    public boolean forwardsIdempotencyKey() {
        return true;
    }

    @Override
    public List<String> idempotencyKeysReceived() {
        effects();
        return received.stream().map(r -> r.getProps().getMessageId()).toList();
    }

    @Override
    public Optional<JsonNode> permanentFailureInput() {
        return Optional.of(object("{exchange: 'no-such-exchange', routingKey: 'orders', payload: 'x'}"));
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            // closing anyway
        }
        connector.close();
        broker.close();
    }
}
