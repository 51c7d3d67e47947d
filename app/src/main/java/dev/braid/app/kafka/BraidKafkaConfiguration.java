package dev.braid.app.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.embedded.EmbeddedKafka;

/**
 * Which Kafka is Braid's own (ARCHITECTURE §6): with {@code spring.kafka.bootstrap-servers} set, that
 * cluster and nothing embedded; otherwise, unless {@code braid.kafka.embedded=false}, a broker in this
 * JVM with its data in {@code BRAID_HOME/kafka} and its port written to {@code BRAID_HOME/kafka.port},
 * started in the background when first needed or once the server is ready, never in the way of the start.
 */
@Configuration(proxyBeanMethods = false)
public class BraidKafkaConfiguration {

    static final String BOOTSTRAP_PROPERTY = "spring.kafka.bootstrap-servers";

    /** Null when an external cluster is configured or embedding is off; Spring then skips the bean. */
    @Bean(destroyMethod = "close")
    EmbeddedKafkaHolder embeddedKafka(Environment environment, BraidProperties properties) throws IOException {
        if (StringUtils.hasText(environment.getProperty(BOOTSTRAP_PROPERTY)) || !properties.kafka().embedded()) {
            return new EmbeddedKafkaHolder(null);
        }
        Path home = properties.home().toAbsolutePath().normalize();
        // Started in the background when first needed or once the server is ready (BraidKafka, BraidKafkaConnection).
        EmbeddedKafka kafka = EmbeddedKafka.prepare(home.resolve("kafka"));
        Files.writeString(home.resolve("kafka.port"), Integer.toString(kafka.port()));
        return new EmbeddedKafkaHolder(kafka);
    }

    @Bean
    BraidKafka braidKafka(Environment environment, EmbeddedKafkaHolder embedded) {
        String external = environment.getProperty(BOOTSTRAP_PROPERTY);
        if (StringUtils.hasText(external)) {
            return new BraidKafka(external.strip(), false);
        }
        return embedded.kafka() == null ? new BraidKafka(null, false)
                : new BraidKafka(embedded.kafka().bootstrapServers(), true, embedded.kafka());
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
