package dev.braid.app.ingress;

import org.springframework.http.HttpStatus;

/** A webhook refused with a status and a sentence the sender can act on. */
public class IngressException extends RuntimeException {

    private final HttpStatus status;
    private final Long retryAfterSeconds;

    public IngressException(HttpStatus status, String detail) {
        this(status, detail, null);
    }

    public IngressException(HttpStatus status, String detail, Long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public HttpStatus status() {
        return status;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
