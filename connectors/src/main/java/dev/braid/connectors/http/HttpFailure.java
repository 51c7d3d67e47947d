package dev.braid.connectors.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.model.Durations;
import dev.braid.engine.spi.ActionException;

/**
 * Turns what went wrong with an exchange into an {@link ActionException} that says whether to retry:
 * timeouts, broken connections and statuses 408, 429 and 5xx may heal; other 4xx will not.
 */
final class HttpFailure {

    static final String TIMEOUT = "http.timeout";
    static final String CONNECTION = "http.connection";
    static final String STATUS = "http.status";
    static final String TOO_LARGE = "http.response_too_large";
    static final String INTERRUPTED = "http.interrupted";
    static final String OAUTH2 = "http.oauth2";
    static final String TOO_MANY_REDIRECTS = "http.too_many_redirects";
    static final String TOO_MANY_ITEMS = "http.too_many_items";
    static final String PAGINATION = "http.pagination";

    /** How much of an error response body a message quotes. */
    static final int QUOTED_CHARS = 500;

    private HttpFailure() {}

    static boolean isError(int status) {
        return status >= 400;
    }

    static ActionException status(OutgoingRequest request, int status, HttpHeaders headers, byte[] body, Clock clock) {
        String quoted = quote(headers, body);
        String message = request.describe() + " answered " + status + (quoted.isEmpty() ? "" : ": " + quoted);
        if (status == 408 || status == 429 || status >= 500) {
            Optional<Duration> wait = RetryAfter.parse(headers.firstValue("retry-after").orElse(null), clock);
            return wait.map(d -> ActionException.retryable(STATUS, message, d))
                    .orElseGet(() -> ActionException.retryable(STATUS, message));
        }
        return ActionException.fatal(STATUS, message);
    }

    static ActionException timeout(OutgoingRequest request, Duration after, Throwable cause) {
        return ActionException.retryable(TIMEOUT, request.describe() + " got no complete response within "
                + Durations.format(after), cause);
    }

    /** @param failure the cause the response future completed with */
    static ActionException exchange(OutgoingRequest request, Duration timeout, Throwable failure) {
        if (failure instanceof BoundedBody.TooLargeException tooLarge) {
            return ActionException.fatal(TOO_LARGE, request.describe() + ": " + tooLarge.getMessage()
                    + "; ask the server for less (a page, a filter) or fetch the data another way", tooLarge);
        }
        if (failure instanceof HttpTimeoutException) {   // also HttpConnectTimeoutException
            return timeout(request, timeout, failure);
        }
        if (failure instanceof IOException io) {
            // Refused, reset, closed early, unknown host: all conditions another attempt may not meet.
            return ActionException.retryable(CONNECTION, request.describe() + " failed: " + reason(io), io);
        }
        if (failure instanceof IllegalArgumentException invalid) {
            return ActionException.fatal(JsonSchema.INVALID,
                    request.describe() + ": " + invalid.getMessage(), invalid);
        }
        if (failure instanceof RuntimeException unexpected) {
            throw unexpected;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(request.describe() + " failed unexpectedly", failure);
    }

    private static String reason(IOException io) {
        if (io instanceof ConnectException && (io.getMessage() == null || io.getMessage().isBlank())) {
            Throwable cause = io.getCause();
            // The JDK reports an unknown host as a ConnectException caused by UnresolvedAddressException.
            if (cause instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            return "connection refused";
        }
        String message = io.getMessage();
        return message == null || message.isBlank() ? io.getClass().getSimpleName() : message;
    }

    /** The first {@value #QUOTED_CHARS} characters of the body, decoding only as many bytes as that can take. */
    private static String quote(HttpHeaders headers, byte[] body) {
        Charset charset = ResponseOutput.charset(headers.firstValue("content-type").orElse(""));
        int bytes = (int) Math.min(body.length, (long) QUOTED_CHARS * 4);
        String text = new String(body, 0, bytes, charset).strip();
        return text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "…";
    }
}
