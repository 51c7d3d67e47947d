package dev.braid.connectors.s3;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import dev.braid.engine.spi.ActionException;

/**
 * What went wrong with an S3 request as a step error that says whether to retry, the way {@code http} maps
 * statuses: timeouts, broken connections, 5xx, 429, 408 and S3's throttling codes ({@code SlowDown}) may heal;
 * refused credentials (403), a missing object or bucket (404) and other 4xx will not, and are named in the
 * message so a person can fix them.
 */
final class S3Failure {

    static final String TIMEOUT = "s3.timeout";
    static final String CONNECTION = "s3.connection";
    static final String UNAVAILABLE = "s3.unavailable";
    static final String THROTTLED = "s3.throttled";
    static final String DENIED = "s3.denied";
    static final String NOT_FOUND = "s3.not_found";
    static final String NO_SUCH_BUCKET = "s3.no_such_bucket";
    static final String REJECTED = "s3.rejected";
    static final String TOO_LARGE = "s3.too_large";
    static final String TOO_MANY_OBJECTS = "s3.too_many_objects";
    static final String INTERRUPTED = "s3.interrupted";

    private S3Failure() {}

    static ActionException status(String what, int status, S3Xml.Error error) {
        String code = error.code();
        String said = code.isEmpty() ? "" : " " + code + (error.message().isEmpty() ? "" : ": " + error.message());
        String message = what + " answered " + status + said;
        if (status == 503 && code.equals("SlowDown") || status == 429 || code.equals("Throttling")
                || code.equals("ThrottlingException") || code.equals("RequestLimitExceeded")) {
            return ActionException.retryable(THROTTLED, message + " (the store asks to slow down; retried)");
        }
        if (status >= 500 || status == 408 || code.equals("RequestTimeout") || code.equals("InternalError")) {
            return ActionException.retryable(UNAVAILABLE, message);
        }
        if (status == 403 || status == 401) {
            String hint = switch (code) {
                case "InvalidAccessKeyId" -> "; the store does not know the connection's accessKeyId";
                case "SignatureDoesNotMatch" -> "; the connection's secretAccessKey does not match its accessKeyId "
                        + "(or its region is not the bucket's)";
                case "RequestTimeTooSkewed" -> "; this server's clock is too far from the store's";
                case "ExpiredToken", "InvalidToken" -> "; renew the connection's sessionToken";
                default -> "; check the connection's credentials and what they may do with this bucket";
            };
            return ActionException.fatal(DENIED, message + hint);
        }
        if (status == 404 && code.equals("NoSuchBucket")) {
            return ActionException.fatal(NO_SUCH_BUCKET, message + "; create the bucket or name another");
        }
        if (status == 404) {
            return ActionException.fatal(NOT_FOUND, message);
        }
        if (status == 301 || status == 307 || code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed")) {
            String endpoint = error.fields().getOrDefault("Endpoint", error.fields().getOrDefault("Region", ""));
            return ActionException.fatal(REJECTED, message + "; the bucket lives elsewhere" + (endpoint.isEmpty() ? "" : " ("
                    + endpoint + ")") + ": set the connection's endpoint and region to the bucket's");
        }
        return ActionException.fatal(REJECTED, message);
    }

    static ActionException exchange(String what, Duration timeout, IOException e) {
        if (e instanceof HttpTimeoutException) {
            return ActionException.retryable(TIMEOUT, what + " got no answer within " + timeout.toMillis() + " ms", e);
        }
        String reason = e.getMessage();
        if (reason == null || reason.isBlank()) {
            reason = e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
        }
        return ActionException.retryable(CONNECTION, what + " failed: " + reason, e);
    }
}
