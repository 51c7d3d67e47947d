package dev.braid.app.queue;

/**
 * An operator action (a replay, a retry, a cancel) that cannot happen as asked; {@code status} is the
 * HTTP status it answers (404 or 409). The API's problem advice turns it into a problem, so the queue
 * needs no web types and controllers need no translation.
 */
public final class Refused extends RuntimeException {

    private final int status;

    public Refused(int status, String detail) {
        super(detail);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
