package dev.braid.app.kafka;

import java.time.Duration;

import dev.braid.app.embedded.EmbeddedKafka;

/**
 * Braid's own Kafka: the cluster named by {@code spring.kafka.bootstrap-servers}, else the embedded
 * broker of the embedded default. Kafka triggers without a {@code connection:} consume from it.
 * {@code bootstrapServers} is null when neither is configured; {@code off} then says why and which setting
 * turns Kafka on (it is said at start, in the health check and to whoever saves a recipe that needs it).
 * {@code broker} is the embedded broker: its address is known at once, and it
 * starts in the background ({@link EmbeddedKafka#startInBackground}) when it is first needed — a Kafka
 * trigger, a step through {@code braid-kafka} — or once the server is ready, so that it never delays the
 * server's start (nor its health) and takes no CPU from it.
 */
public record BraidKafka(String bootstrapServers, boolean embedded, EmbeddedKafka broker, String off) {

    /** How long a user of the embedded broker waits for it to start before it is told why not. */
    static final Duration START_WAIT = Duration.ofMinutes(3);

    public BraidKafka(String bootstrapServers, boolean embedded, EmbeddedKafka broker) {
        this(bootstrapServers, embedded, broker, null);
    }

    public BraidKafka(String bootstrapServers, boolean embedded) {
        this(bootstrapServers, embedded, null, null);
    }

    /** No Kafka on this node, for the reason {@code why} (naming the setting to set). */
    static BraidKafka off(String why) {
        return new BraidKafka(null, false, null, why);
    }

    /** Whether this node has a Kafka of its own (configured or embedded). */
    public boolean on() {
        return bootstrapServers != null;
    }

    /** Starts the embedded broker, if it is the one, in the background (once). */
    public void start() {
        if (broker != null) {
            broker.startInBackground();
        }
    }

    /**
     * Whether clients can use it now: an external cluster is taken to be up; the embedded broker once started
     * (asking starts it: whoever asks needs it).
     */
    public boolean started() {
        start();
        return broker == null || broker.started();
    }

    /**
     * The bootstrap address, once the embedded broker (if it is the one) has started — a Kafka trigger waits
     * for it rather than fail — or an exception saying how to configure one, or why the broker is not there.
     */
    public String requireBootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException(off != null ? off : "Braid has no Kafka: set SPRING_KAFKA_BOOTSTRAP_SERVERS, "
                    + "or give the trigger a kafka connection");
        }
        if (broker != null) {
            broker.awaitStarted(START_WAIT);
        }
        return bootstrapServers;
    }
}
