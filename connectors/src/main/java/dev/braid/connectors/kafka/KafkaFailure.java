package dev.braid.connectors.kafka;

import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

import dev.braid.engine.spi.ActionException;

/**
 * Kafka's exceptions as step errors: what the client itself calls retriable (a leader moving, a broker
 * not reachable in time) is retried with backoff; the rest (authorization, a record too large, an
 * invalid topic) fails the step at once, since sending it again would fail the same way.
 */
final class KafkaFailure {

    static final String RETRYABLE = "kafka.unavailable";
    static final String FATAL = "kafka.rejected";

    private KafkaFailure() {
    }

    static ActionException of(Throwable thrown, String topic) {
        Throwable cause = thrown instanceof ExecutionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        String message = "publishing to '" + topic + "' failed: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        if (cause instanceof RetriableException || cause instanceof TimeoutException) {
            return ActionException.retryable(RETRYABLE, message, cause);
        }
        if (cause instanceof KafkaException) {
            return ActionException.fatal(FATAL, message, cause);
        }
        return ActionException.retryable(RETRYABLE, message, cause);
    }
}
