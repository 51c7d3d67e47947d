package dev.braid.app.kafka;

/**
 * Braid's own Kafka: the cluster named by {@code spring.kafka.bootstrap-servers}, else the embedded
 * broker of the embedded default. Kafka triggers without a {@code connection:} consume from it.
 * {@code bootstrapServers} is null when neither is configured ({@code braid.kafka.embedded=false}
 * and no bootstrap servers).
 */
public record BraidKafka(String bootstrapServers, boolean embedded) {

    /** The bootstrap address, or a message saying how to configure one. */
    public String requireBootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("Braid has no Kafka: set SPRING_KAFKA_BOOTSTRAP_SERVERS, or leave "
                    + "braid.kafka.embedded on, or give the trigger a kafka connection");
        }
        return bootstrapServers;
    }
}
