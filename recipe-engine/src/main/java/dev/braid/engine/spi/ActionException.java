package dev.braid.engine.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * An action failed. The decision whether to retry travels with the error: the connector knows that a
 * 503 is worth another attempt and a 404 is not; the executor never guesses.
 *
 * <pre>{@code
 * throw ActionException.retryable("http.status", "POST /orders answered 503", Duration.ofSeconds(30));
 * throw ActionException.fatal("http.status", "GET /orders/7 answered 404");
 * }</pre>
 */
public final class ActionException extends Exception {

    private final String type;
    private final boolean retryable;
    private final Duration retryAfter;

    private ActionException(String type, String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static ActionException retryable(String type, String message) {
        return new ActionException(type, message, true, null, null);
    }

    public static ActionException retryable(String type, String message, Duration retryAfter) {
        return new ActionException(type, message, true, retryAfter, null);
    }

    public static ActionException retryable(String type, String message, Throwable cause) {
        return new ActionException(type, message, true, null, cause);
    }

    public static ActionException fatal(String type, String message) {
        return new ActionException(type, message, false, null, null);
    }

    public static ActionException fatal(String type, String message, Throwable cause) {
        return new ActionException(type, message, false, null, cause);
    }

    /** A short dotted classifier such as {@code http.timeout} or {@code input.invalid}. */
    public String type() {
        return type;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The earliest time a retry makes sense, when the target said so ({@code Retry-After}). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
