package dev.braid.connectors.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;

import dev.braid.connectors.source.Payload;
import dev.braid.connectors.source.WaitingBatches;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.RunLog;
import dev.braid.engine.spi.SourceEvent;
import dev.braid.engine.spi.TriggerContext;
import dev.braid.engine.spi.TriggerSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The consumer of one recipe version (ARCHITECTURE §3): manual acknowledgements, {@code prefetch} messages
 * ahead. The client's dispatch thread only queues deliveries; this consumer's own thread hands them to the
 * context and acknowledges (basic.ack) only after {@code accept} returned, so the broker keeps — and, when
 * the channel closes (a crash, a failure), delivers again — every message whose run is not committed.
 *
 * <p>The natural key is the queue and the message's {@code message-id} ({@code amqp.publish} sets it to the
 * step's idempotency key): a message delivered again, or published twice with one id, starts nothing.
 * Without a message id it is a digest of the body, remembered only for {@code dedupe.window}. Failures close
 * the connection without acknowledging and connect again after {@code retryDelay}.
 */
final class QueueConsumer implements TriggerSource.Running {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A delivery as the client handed it over. */
    private record Delivery(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {}

    private static final Delivery WAKE_UP = new Delivery(null, null, null);

    private final TriggerContext context;
    private final AmqpSettings settings;
    private final String queue;
    private final int prefetch;
    private final boolean json;
    private final TriggerSettings.Batch batch;
    private final RunLog log;
    private final BlockingQueue<Delivery> arrived = new LinkedBlockingQueue<>();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final WaitingBatches<Long> waiting;
    private final List<SourceEvent> waitingEvents = new ArrayList<>();
    private final Map<Long, SourceEvent> eventsByTag = new java.util.HashMap<>();
    private volatile boolean stopping;
    private volatile ShutdownSignalException lost;
    private Connection connection;
    private Channel channel;
    private Thread thread;

    QueueConsumer(TriggerContext context, AmqpSettings settings, String queue, int prefetch, boolean json,
                  TriggerSettings.Batch batch) {
        this.context = context;
        this.settings = settings;
        this.queue = queue;
        this.prefetch = prefetch;
        this.json = json;
        this.batch = batch;
        this.log = context.log();
        this.waiting = batch == null ? null : new WaitingBatches<>(batch);
    }

    void start() {
        thread = Thread.ofPlatform().name("braid-amqp-" + context.recipe()).daemon().start(this::run);
    }

    /** Stops consuming, writes the waiting batches and acknowledges them, then closes; waits up to {@code timeout}. */
    @Override
    public void stop(Duration timeout) {
        stopping = true;
        stopSignal.countDown();
        arrived.add(WAKE_UP);
        try {
            if (thread != null && !thread.join(timeout)) {
                log.warn("The amqp consumer of recipe '" + context.recipe() + "' did not stop within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!stopping) {
            try {
                connect();
                consume();
                flush(true);
                close();
                return;
            } catch (IOException | TimeoutException | RuntimeException e) {
                log.warn("The amqp consumer of recipe '" + context.recipe() + "' (queue " + queue + " at " + settings.where()
                        + ") failed; it connects again in " + context.retryDelay() + " and the broker delivers what was "
                        + "not acknowledged again: " + e);
                close();
                awaitRetry();
            }
        }
    }

    private void connect() throws IOException, TimeoutException {
        arrived.clear();
        eventsByTag.clear();
        if (waiting != null) {
            waiting.clear();
        }
        lost = null;
        connection = settings.factory().newConnection("braid-" + context.recipe());
        channel = connection.createChannel();
        channel.basicQos(prefetch);
        channel.basicConsume(queue, false, "braid-" + context.recipe(), new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                arrived.add(new Delivery(envelope, properties, body));
            }

            @Override
            public void handleShutdownSignal(String tag, ShutdownSignalException signal) {
                lost = signal;
                arrived.add(WAKE_UP);
            }

            @Override
            public void handleCancel(String tag) {
                lost = new ShutdownSignalException(false, false, null, "the broker cancelled the consumer (queue deleted?)");
                arrived.add(WAKE_UP);
            }
        });
    }

    private void consume() throws IOException {
        List<Delivery> read = new ArrayList<>();
        while (!stopping) {
            Delivery first;
            try {
                first = arrived.poll(pollMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (lost != null) {
                throw lost;
            }
            read.clear();
            if (first != null && first != WAKE_UP) {
                read.add(first);
            }
            arrived.drainTo(read, 1_000);
            read.removeIf(r -> r == WAKE_UP);
            ingest(read);
            flush(false);
        }
    }

    private long pollMillis() {
        Long untilDue = waiting == null ? null : waiting.nanosUntilDue(System.nanoTime());
        long max = context.pollTimeout().toMillis();
        return untilDue == null ? max : Math.min(max, TimeUnit.NANOSECONDS.toMillis(untilDue));
    }

    /** Per message: all read in one call, then one ack for all of them (they are consecutive); batch: into groups. */
    private void ingest(List<Delivery> read) throws IOException {
        if (read.isEmpty()) {
            return;
        }
        List<SourceEvent> events = new ArrayList<>();
        long now = System.nanoTime();
        for (Delivery d : read) {
            long tag = d.envelope().getDeliveryTag();
            ObjectNode trigger = trigger(d);
            String key = naturalKey(d);
            Payload payload = Payload.read(d.body(), json);
            if (!payload.readable()) {
                ObjectNode raw = trigger.deepCopy().put("payload", new String(d.body(), StandardCharsets.UTF_8));
                context.unreadable(key, payload.problem(), raw);
                if (waiting != null) {
                    channel.basicAck(tag, false);
                }
                continue;
            }
            trigger.set("body", payload.body());
            SourceEvent event = SourceEvent.of(trigger, key);
            if (waiting == null) {
                events.add(event);
            } else {
                eventsByTag.put(tag, event);
                waiting.add(batchKey(trigger), tag, now);
            }
        }
        if (waiting == null) {
            if (!events.isEmpty()) {
                context.accept(events);
            }
            // Every delivery up to the last one read is stored (or a dead letter): one ack covers them all.
            channel.basicAck(read.getLast().envelope().getDeliveryTag(), true);
        }
    }

    /** Writes the batches that are due ({@code all}: every waiting one), acknowledging each message after its run is stored. */
    private void flush(boolean all) throws IOException {
        if (waiting == null) {
            return;
        }
        for (WaitingBatches.Group<Long> group : waiting.takeDue(System.nanoTime(), all)) {
            ObjectNode header = NODES.objectNode().put("type", "amqp").put("batch", true).put("queue", queue);
            if (group.key() != null) {
                header.set("key", group.key());
            }
            waitingEvents.clear();
            group.messages().forEach(tag -> waitingEvents.add(eventsByTag.get(tag)));
            context.accept(header, List.copyOf(waitingEvents));
            for (Long tag : group.messages()) {
                channel.basicAck(tag, false);
                eventsByTag.remove(tag);
            }
        }
    }

    private ObjectNode trigger(Delivery d) {
        AMQP.BasicProperties p = d.properties();
        ObjectNode trigger = NODES.objectNode().put("type", "amqp").put("queue", queue)
                .put("exchange", d.envelope().getExchange()).put("routingKey", d.envelope().getRoutingKey())
                .put("redelivered", d.envelope().isRedeliver())
                .put("messageId", p.getMessageId()).put("correlationId", p.getCorrelationId())
                .put("contentType", p.getContentType())
                .put("timestamp", p.getTimestamp() == null ? null : p.getTimestamp().toInstant().toString());
        ObjectNode headers = trigger.putObject("headers");
        if (p.getHeaders() != null) {
            p.getHeaders().forEach((name, value) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                    value == null ? null : value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString()));
        }
        return trigger;
    }

    private String naturalKey(Delivery d) {
        String id = d.properties().getMessageId();
        return id != null && !id.isBlank() ? queue + "/" + id : queue + "/sha256:" + Payload.digest(d.body());
    }

    private JsonNode batchKey(ObjectNode trigger) {
        if (batch.key() == null) {
            return null;
        }
        try {
            return context.evaluateKey(batch.key(), trigger);
        } catch (ExpressionException e) {
            log.log(RunLog.Level.DEBUG, "batch.key of recipe '" + context.recipe() + "' failed on a message of queue "
                    + queue + ": " + e.getMessage());
            return null;
        }
    }

    private void close() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null) {
            try {
                // Closing without acknowledging: the broker requeues whatever is still unacknowledged.
                c.abort(2_000);
            } catch (RuntimeException e) {
                // closed as far as it goes
            }
        }
    }

    private void awaitRetry() {
        try {
            stopSignal.await(context.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }
}
