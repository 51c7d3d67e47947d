package dev.braid.app.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.embedded.EmbeddedKafka;

/**
 * Which Kafka is Braid's own (ARCHITECTURE §6): with {@code spring.kafka.bootstrap-servers} set, that
 * cluster and nothing embedded. Otherwise, on the embedded database (or with {@code braid.kafka.embedded=true}),
 * a broker in this JVM with its data in {@code BRAID_HOME/kafka} and its port written to
 * {@code BRAID_HOME/kafka.port}, started in the background when first needed or once the server is ready,
 * never in the way of the start. A node on an external database starts no broker unless told to: its database
 * is shared with other nodes, and a broker inside each node would split Kafka triggers and {@code kafka.publish}
 * between brokers the other nodes never see. Without bootstrap servers it runs with Kafka features off, and
 * says so (start-up log, health, saving a recipe that needs Kafka).
 */
@Configuration(proxyBeanMethods = false)
public class BraidKafkaConfiguration {

    static final String BOOTSTRAP_PROPERTY = "spring.kafka.bootstrap-servers";
    private static final String DATASOURCE_PROPERTY = "spring.datasource.url";
    private static final Logger log = LoggerFactory.getLogger(BraidKafkaConfiguration.class);

    /** Holds no broker when an external cluster is configured or embedding is off. */
    @Bean(destroyMethod = "close")
    EmbeddedKafkaHolder embeddedKafka(Environment environment, BraidProperties properties) throws IOException {
        if (StringUtils.hasText(environment.getProperty(BOOTSTRAP_PROPERTY)) || offReason(environment, properties) != null) {
            return new EmbeddedKafkaHolder(null);
        }
        Path home = properties.home().toAbsolutePath().normalize();
        // Started in the background when first needed or once the server is ready (BraidKafka, BraidKafkaConnection).
        EmbeddedKafka kafka = EmbeddedKafka.prepare(home.resolve("kafka"));
        Files.writeString(home.resolve("kafka.port"), Integer.toString(kafka.port()));
        return new EmbeddedKafkaHolder(kafka);
    }

    @Bean
    BraidKafka braidKafka(Environment environment, BraidProperties properties, EmbeddedKafkaHolder embedded) {
        String external = environment.getProperty(BOOTSTRAP_PROPERTY);
        if (StringUtils.hasText(external)) {
            return new BraidKafka(external.strip(), false);
        }
        if (embedded.kafka() != null) {
            return new BraidKafka(embedded.kafka().bootstrapServers(), true, embedded.kafka());
        }
        String why = offReason(environment, properties);
        log.warn("Kafka features are off: {}", why);
        return BraidKafka.off(why);
    }

    /**
     * Why this node, having no bootstrap servers, starts no embedded broker (naming the settings that change it);
     * null when it starts one.
     */
    static String offReason(Environment environment, BraidProperties properties) {
        Boolean embed = properties.kafka().embedded();
        boolean externalDatabase = StringUtils.hasText(environment.getProperty(DATASOURCE_PROPERTY));
        if (Boolean.TRUE.equals(embed) || (embed == null && !externalDatabase)) {
            return null;
        }
        String fix = "set SPRING_KAFKA_BOOTSTRAP_SERVERS (spring.kafka.bootstrap-servers) to the Kafka cluster every node shares";
        if (embed == null) {
            return "this node uses an external database (SPRING_DATASOURCE_URL) and no Kafka is configured, so it starts no "
                    + "broker of its own that other nodes would never see; " + fix
                    + " (or BRAID_KAFKA_EMBEDDED=true for a broker inside this one node only)";
        }
        return "BRAID_KAFKA_EMBEDDED (braid.kafka.embedded) is false and no Kafka is configured; " + fix;
    }

    /**
     * Owns the embedded broker's lifecycle. Its bean is destroyed after every bean that uses
     * {@link BraidKafka} (they depend on it), so the trigger consumers stop before the broker does.
     */
    record EmbeddedKafkaHolder(EmbeddedKafka kafka) implements AutoCloseable {
        @Override
        public void close() {
            if (kafka != null) {
                kafka.close();
            }
        }
    }
}
