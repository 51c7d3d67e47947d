package dev.braid.app.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import dev.braid.app.config.BraidProperties;

/**
 * The embedded default (ARCHITECTURE §6): with no {@code spring.datasource.url}, start PostgreSQL 17 on
 * 127.0.0.1 with its data under {@code BRAID_HOME/postgres}, {@code wal_level=logical} for change data
 * capture, and durable commits. A PostgreSQL left running by a killed server is stopped first.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDatasourceUrlCondition.class)
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(BraidProperties properties) throws IOException {
        Path dataDir = properties.home().toAbsolutePath().normalize().resolve("postgres");
        Files.createDirectories(dataDir.getParent());
        long began = System.nanoTime();
        OrphanPostgres.stopIfRunning(dataDir);
        long orphanMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        // The port of the last start when it is free, so tools a user pointed at it (psql, a SQL client) keep working.
        java.util.OptionalInt previous = PostgresPort.previous(properties.home().toAbsolutePath().normalize());
        if (previous.isPresent()) {
            builder.setPort(previous.getAsInt());
        }
        EmbeddedPostgres pg = builder
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // Spring stops it (destroyMethod) after the workers have handed back their runs; zonky's own
                // JVM shutdown hook would stop it in parallel, while they still need it.
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .start();
        log.info(dev.braid.app.config.StartupPhases.PREFIX + "embedded PostgreSQL 17 ready on 127.0.0.1:{} in {} ms "
                + "(of which {} ms looking for and stopping one left running by a killed server), with data in {}; "
                + "connect with: psql -h 127.0.0.1 -p {} -U postgres postgres (password postgres; the port is kept "
                + "across restarts while it is free, and written to {})",
                pg.getPort(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), orphanMillis,
                dataDir, pg.getPort(), PostgresPort.file(properties.home().toAbsolutePath().normalize()));
        return pg;
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(EmbeddedPostgres pg) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres");
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(24);
        config.setPoolName("braid-embedded");
        return new HikariDataSource(config);
    }

    /** Exposes the embedded server's port to the bench scripts and to tests. */
    @Bean
    EmbeddedPostgresInfo embeddedPostgresInfo(EmbeddedPostgres pg, BraidProperties properties) throws IOException {
        EmbeddedPostgresInfo info = new EmbeddedPostgresInfo(pg.getPort());
        Files.writeString(PostgresPort.file(properties.home()), Integer.toString(pg.getPort()));
        return info;
    }

    public record EmbeddedPostgresInfo(int port) {}

}
