package dev.braid.app.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests that share one server context (one Spring context, one database and
 * one Kafka broker for the JVM). The server listens on a random loopback port; {@link ApiClient} talks to it over real HTTP.
 * It carries what every such test sets up: {@link #api} (admin) and {@link #anonymous} clients, {@link #braid}
 * (save a recipe, post a webhook, await a run), {@link #sql} and {@link #jdbc} for the test database, and a
 * fresh {@link #stub} HTTP target per test, closed after it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "braid.admin.password=" + BraidIntegrationTest.ADMIN_PASSWORD,
        "braid.samples.load=false",
        "braid.worker.poll-interval=60s",
        "braid.home=" + BraidIntegrationTest.HOME,
        // Fail fast on a database that is gone rather than wait 30 s per connection.
        "spring.datasource.hikari.connection-timeout=2000",
        // LiveEventsIT drops a client that never reads: with the default 5,000 that takes about 2,500 runs of
        // 20 KB outputs after the socket buffers fill, more than the test sends on a loaded machine
        "braid.events.client-queue=1000"
})
public abstract class BraidIntegrationTest {

    public static final String ADMIN_PASSWORD = "test-admin-password";
    /** The shared server's BRAID_HOME (its master key, node name and embedded Kafka's data). */
    public static final String HOME = "target/test-braid-home";

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    protected ApiClient api;
    protected ApiClient anonymous;
    protected Braid braid;
    protected TestSql sql;
    protected StubServer stub;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", TestDatabase::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        registry.add("spring.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    // Named apart from the subclasses' own setUp/tearDown, which would otherwise override these.
    @BeforeEach
    void openServerFixture() {
        api = ApiClient.admin(port, ADMIN_PASSWORD);
        anonymous = ApiClient.anonymous(port);
        braid = new Braid(api, anonymous);
        sql = new TestSql(jdbc);
        stub = new StubServer();
    }

    @AfterEach
    void closeServerFixture() {
        stub.close();
    }
}
