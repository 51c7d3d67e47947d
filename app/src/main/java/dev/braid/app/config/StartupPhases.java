package dev.braid.app.config;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * One INFO line per start-up phase with its duration (issue 14: a restart after a crash should be quick,
 * and where its time goes should be visible): the embedded PostgreSQL ({@code EmbeddedPostgresConfiguration}),
 * the database migrations and the whole start (here), the embedded Kafka ({@code EmbeddedKafka}, in the
 * background). Each line starts with {@value #PREFIX}, so {@code grep} finds them all.
 */
@Configuration(proxyBeanMethods = false)
public class StartupPhases {

    public static final String PREFIX = "Start-up phase: ";
    private static final Logger log = LoggerFactory.getLogger(StartupPhases.class);

    /** Flyway's migration as Boot runs it, timed. */
    @Bean
    FlywayMigrationStrategy timedMigrations() {
        return flyway -> {
            long began = System.nanoTime();
            MigrateResult result = flyway.migrate();
            log.info(PREFIX + "database migrations in {} ms ({} applied, schema version {})",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), result.migrationsExecuted,
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : flyway.info().current().getVersion());
        };
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready(ApplicationReadyEvent event) {
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        log.info(PREFIX + "ready in {} ms since the JVM started (Spring context {} ms)", sinceJvmStart,
                event.getTimeTaken() == null ? -1 : event.getTimeTaken().toMillis());
    }
}
