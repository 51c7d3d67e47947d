package dev.braid.app.triggers.source;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.store.KeyExpression;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.spi.RunLog;
import dev.braid.engine.spi.SourceEvent;
import dev.braid.engine.spi.TriggerContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link TriggerContext} backed by {@link Ingestion}, the one way in for every trigger: events from a
 * connector's source get the idempotency keys, dedupe, concurrency slots and dead letters a webhook's
 * get. {@code Ingestion} writes the events and their runs in one statement and commits before it returns,
 * which is what lets the source acknowledge after {@code accept} (ARCHITECTURE §3). Call it outside any
 * transaction (a source's own thread).
 */
public final class IngestingContext implements TriggerContext {

    private final RecipeCatalog.Current recipe;
    private final Ingestion.Target target;
    private final JsonNode connection;
    private final Ingestion ingestion;
    private final Expressions expressions;
    private final Timing timing;
    private final Clock clock;
    private final RunLog log;

    /** How a source paces itself: the longest single read, and the pause after a failure. */
    public record Timing(Duration pollTimeout, Duration retryDelay) {}

    public IngestingContext(RecipeCatalog.Current recipe, JsonNode connection, Ingestion ingestion, Expressions expressions,
                            Timing timing, Clock clock, Class<?> source) {
        this.recipe = recipe;
        this.target = Ingestion.Target.of(recipe);
        this.connection = connection;
        this.ingestion = ingestion;
        this.expressions = expressions;
        this.timing = timing;
        this.clock = clock;
        this.log = logTo(LoggerFactory.getLogger(source));
    }

    @Override
    public String recipe() {
        return recipe.slug();
    }

    @Override
    public int version() {
        return recipe.version();
    }

    @Override
    public TriggerSettings settings() {
        return recipe.recipe().trigger().settings();
    }

    @Override
    public JsonNode connection() {
        return connection;
    }

    @Override
    public void accept(List<SourceEvent> events) {
        ingestion.accept(target, events.stream().map(IngestingContext::event).toList());
    }

    @Override
    public void accept(ObjectNode header, List<SourceEvent> events) {
        ingestion.accept(target, new Ingestion.Batch(header, events.stream().map(IngestingContext::event).toList(), false));
    }

    @Override
    public void unreadable(String naturalKey, String message, JsonNode raw) {
        ingestion.unreadable(target, naturalKey, message, raw);
    }

    @Override
    public JsonNode evaluateKey(String expression, JsonNode trigger) {
        return switch (KeyExpression.evaluate(expressions, expression, trigger)) {
            case KeyExpression.Value v -> v.json();
            case KeyExpression.Absent a -> null;
            case KeyExpression.Failed f -> throw new ExpressionException(f.message());
        };
    }

    @Override
    public Duration pollTimeout() {
        return timing.pollTimeout();
    }

    @Override
    public Duration retryDelay() {
        return timing.retryDelay();
    }

    @Override
    public RunLog log() {
        return log;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    private static TriggerEvent event(SourceEvent e) {
        return TriggerEvent.of(e.trigger(), e.naturalKey());
    }

    private static RunLog logTo(Logger logger) {
        return (level, message) -> {
            switch (level) {
                case DEBUG -> logger.debug(message);
                case INFO -> logger.info(message);
                case WARN -> logger.warn(message);
                case ERROR -> logger.error(message);
            }
        };
    }
}
