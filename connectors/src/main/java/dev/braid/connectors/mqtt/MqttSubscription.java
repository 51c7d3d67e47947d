package dev.braid.connectors.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

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
 * The subscription of one recipe version (ARCHITECTURE §3): a Paho client with a persistent session and
 * manual acknowledgements. Paho's callback thread only queues what arrives; this source's own thread hands
 * it to the context and acknowledges each message (PUBACK) only after {@code accept} returned — so the broker
 * keeps, and after a crash delivers again, every message whose run is not committed.
 *
 * <p>A message delivered again (after a crash between commit and PUBACK, or the broker's resend of a
 * message not yet acknowledged) has the same topic, packet id and payload: that is its natural key,
 * remembered for {@code dedupe.window} (packet ids are reused, so not for ever). A resend of a message
 * still held here (waiting in a batch) is dropped on arrival. Failures (the broker or the database
 * unreachable) close the client without acknowledging and connect again after {@code retryDelay}: the
 * broker delivers the unacknowledged messages again.
 *
 * <p>A batch can hold at most as many messages as the broker lets a client leave unacknowledged (its
 * in-flight window: Moquette 10, Mosquitto {@code max_inflight_messages} 20 by default); past that a batch
 * is flushed by {@code maxWait}. Raise the broker's window for big batches.
 */
final class MqttSubscription implements TriggerSource.Running {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A message as Paho handed it over. */
    private record Received(String topic, MqttMessage message) {}

    /** A message read and waiting for its batch run. */
    private record Held(int id, int qos, SourceEvent event) {}

    private static final Received WAKE_UP = new Received("", new MqttMessage());

    private final TriggerContext context;
    private final MqttSettings settings;
    private final String clientId;
    private final String[] filters;
    private final int qos;
    private final boolean json;
    private final TriggerSettings.Batch batch;
    private final RunLog log;
    private final BlockingQueue<Received> arrived = new LinkedBlockingQueue<>();
    /** Packet ids arrived and not yet acknowledged, so a resend of one is dropped. */
    private final Set<Integer> unacknowledged = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final WaitingBatches<Held> waiting;
    private volatile boolean stopping;
    private volatile boolean lost;
    private volatile MqttClient client;
    private Thread thread;

    MqttSubscription(TriggerContext context, MqttSettings settings, String clientId, List<String> filters, int qos, boolean json,
                     TriggerSettings.Batch batch) {
        this.context = context;
        this.settings = settings;
        this.clientId = clientId;
        this.filters = filters.toArray(String[]::new);
        this.qos = qos;
        this.json = json;
        this.batch = batch;
        this.log = context.log();
        this.waiting = batch == null ? null : new WaitingBatches<>(batch);
    }

    void start() {
        thread = Thread.ofPlatform().name("braid-mqtt-" + context.recipe()).daemon().start(this::run);
    }

    /** Stops reading, writes the waiting batches and acknowledges them, then disconnects; waits up to {@code timeout}. */
    @Override
    public void stop(Duration timeout) {
        stopping = true;
        stopSignal.countDown();
        arrived.add(WAKE_UP);
        try {
            if (thread != null && !thread.join(timeout)) {
                log.warn("The mqtt subscription of recipe '" + context.recipe() + "' did not stop within " + timeout);
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
                disconnect(true);
                return;
            } catch (MqttException | RuntimeException e) {
                log.warn("The mqtt subscription of recipe '" + context.recipe() + "' (" + settings.url() + ", "
                        + String.join(", ", filters) + ") failed; it connects again in " + context.retryDelay()
                        + " and the broker delivers what was not acknowledged again: " + e);
                disconnect(false);
                awaitRetry();
            }
        }
    }

    private void connect() throws MqttException {
        arrived.clear();
        unacknowledged.clear();
        if (waiting != null) {
            waiting.clear();
        }
        lost = false;
        MqttClient c = new MqttClient(settings.url(), clientId, new MemoryPersistence());
        c.setManualAcks(true);
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost = true;
                arrived.add(WAKE_UP);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // A resend of a message held here is dropped: the one held is acknowledged when its run is stored.
                if (message.getQos() == 0 || unacknowledged.add(message.getId())) {
                    arrived.add(new Received(topic, message));
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client = c;
        // The callback is set before connecting: a persistent session's stored messages follow CONNACK at once.
        c.connect(settings.options(true));
        int[] qosList = new int[filters.length];
        java.util.Arrays.fill(qosList, qos);
        c.subscribe(filters, qosList);
    }

    private void consume() {
        List<Received> read = new ArrayList<>();
        while (!stopping) {
            Received first;
            try {
                first = arrived.poll(pollMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (lost) {
                throw new IllegalStateException("the connection to the broker was lost");
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

    /** Per message: all read in one call, then each acknowledged; batch: into their groups. */
    private void ingest(List<Received> read) {
        if (read.isEmpty()) {
            return;
        }
        List<SourceEvent> events = new ArrayList<>();
        List<Held> handed = new ArrayList<>();
        long now = System.nanoTime();
        for (Received r : read) {
            MqttMessage m = r.message();
            String key = r.topic() + "/" + m.getId() + "/" + Payload.digest(m.getPayload());
            ObjectNode trigger = NODES.objectNode().put("type", "mqtt").put("topic", r.topic()).put("qos", m.getQos())
                    .put("retained", m.isRetained()).put("duplicate", m.isDuplicate()).put("messageId", m.getId());
            Payload payload = Payload.read(m.getPayload(), json);
            if (!payload.readable()) {
                ObjectNode raw = trigger.deepCopy().put("payload", new String(m.getPayload(), StandardCharsets.UTF_8));
                context.unreadable(key, payload.problem(), raw);
                acknowledge(new Held(m.getId(), m.getQos(), null));
                continue;
            }
            trigger.set("body", payload.body());
            Held held = new Held(m.getId(), m.getQos(), SourceEvent.of(trigger, key));
            if (waiting == null) {
                events.add(held.event());
                handed.add(held);
            } else {
                waiting.add(batchKey(trigger), held, now);
            }
        }
        if (!events.isEmpty()) {
            context.accept(events);
            handed.forEach(this::acknowledge);
        }
    }

    /** Writes the batches that are due ({@code all}: every waiting one), acknowledging each after its run is stored. */
    private void flush(boolean all) {
        if (waiting == null) {
            return;
        }
        for (WaitingBatches.Group<Held> group : waiting.takeDue(System.nanoTime(), all)) {
            ObjectNode header = NODES.objectNode().put("type", "mqtt").put("batch", true);
            if (group.key() != null) {
                header.set("key", group.key());
            }
            context.accept(header, group.messages().stream().map(Held::event).toList());
            group.messages().forEach(this::acknowledge);
        }
    }

    private void acknowledge(Held held) {
        if (held.qos() == 0) {
            return;
        }
        try {
            client.messageArrivedComplete(held.id(), held.qos());
        } catch (MqttException e) {
            // Not acknowledged: the broker delivers it again and its key makes the repeat start nothing.
            throw new IllegalStateException("acknowledging message " + held.id() + " failed: " + e.getMessage(), e);
        } finally {
            unacknowledged.remove(held.id());
        }
    }

    private JsonNode batchKey(ObjectNode trigger) {
        if (batch.key() == null) {
            return null;
        }
        try {
            return context.evaluateKey(batch.key(), trigger);
        } catch (ExpressionException e) {
            log.log(RunLog.Level.DEBUG, "batch.key of recipe '" + context.recipe() + "' failed on a message of "
                    + trigger.path("topic").asString() + ": " + e.getMessage());
            return null;
        }
    }

    private void disconnect(boolean gracefully) {
        MqttClient c = client;
        client = null;
        if (c == null) {
            return;
        }
        try {
            if (gracefully && c.isConnected()) {
                c.disconnect(2_000);
            } else {
                c.disconnectForcibly(0, 1_000, false);
            }
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            c.close(true);
        } catch (MqttException e) {
            // closed as far as it goes
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
