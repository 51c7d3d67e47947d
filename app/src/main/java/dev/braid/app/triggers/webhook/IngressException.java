package dev.braid.app.triggers.webhook;

import org.springframework.http.HttpStatus;

/** A webhook refused with a status and a sentence the sender can act on. */
public class IngressException extends RuntimeException {

    private final HttpStatus status;
    private final Long retryAfterSeconds;
    private final String field;

    public IngressException(HttpStatus status, String detail) {
        this(status, detail, null);
    }

    public IngressException(HttpStatus status, String detail, Long retryAfterSeconds) {
        this(status, detail, retryAfterSeconds, null);
    }

    /** {@code field}: the recipe setting at fault, named in the problem's {@code errors}. */
    public IngressException(HttpStatus status, String detail, Long retryAfterSeconds, String field) {
        super(detail);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.field = field;
    }

    public String field() {
        return field;
    }

    public HttpStatus status() {
        return status;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
