package dev.braid.app.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.run.RunExecutor;
import dev.braid.engine.spi.ConnectorRegistry;

/** The Spring-free engine, wired once: connectors from the class path, expressions, parser, executor. */
@Configuration(proxyBeanMethods = false)
public class EngineConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ConnectorRegistry connectorRegistry() {
        return ConnectorRegistry.load(EngineConfiguration.class.getClassLoader());
    }

    @Bean
    Expressions expressions(BraidProperties properties) {
        return new Expressions(properties.limits().expressions());
    }

    @Bean
    RecipeParser recipeParser(ConnectorRegistry connectors, Expressions expressions) {
        return new RecipeParser(connectors, expressions);
    }

    @Bean
    RunExecutor runExecutor(ConnectorRegistry connectors, Expressions expressions, Clock clock) {
        return new RunExecutor(connectors, expressions, clock);
    }
}
