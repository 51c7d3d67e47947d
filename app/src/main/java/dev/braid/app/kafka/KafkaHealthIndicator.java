package dev.braid.app.kafka;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Braid's own Kafka in {@code /actuator/health} as the component {@code kafka}: {@code UP} when configured or
 * embedded (an embedded broker still starting is not a fault: the server works meanwhile), {@code OFF} with the
 * reason and the setting to set when this node has no Kafka. {@code OFF} ranks below {@code UP}
 * ({@code management.endpoint.health.status.order}), so it never fails the health check or readiness.
 */
@Component
class KafkaHealthIndicator implements HealthIndicator {

    static final Status OFF = new Status("OFF");

    private final BraidKafka kafka;

    KafkaHealthIndicator(BraidKafka kafka) {
        this.kafka = kafka;
    }

    @Override
    public Health health() {
        if (!kafka.on()) {
            return Health.status(new Status(OFF.getCode(), "Kafka features are off: " + kafka.off())).build();
        }
        String where = kafka.embedded() ? (kafka.broker() != null && kafka.broker().started() ? "embedded" : "embedded, starting")
                : "external";
        return Health.status(new Status(Status.UP.getCode(), "Braid's own Kafka: " + where)).build();
    }
}
