package dev.braid.app.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests that share one server context (one Spring context, one database and
 * one Kafka broker for the JVM). The server listens on a random loopback port; {@link ApiClient} talks to it over real HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "braid.admin.password=" + BraidIntegrationTest.ADMIN_PASSWORD,
        "braid.samples.load=false",
        "braid.worker.poll-interval=60s",
        "braid.home=target/test-braid-home",
        // The test database stops in a JVM shutdown hook, possibly before the context: fail fast then.
        "spring.datasource.hikari.connection-timeout=2000"
})
public abstract class BraidIntegrationTest {

    public static final String ADMIN_PASSWORD = "test-admin-password";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", TestDatabase::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }
}
