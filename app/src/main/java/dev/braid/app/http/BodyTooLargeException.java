package dev.braid.app.http;

/**
 * The request body is above {@code braid.limits.max-body-size}. Thrown by the stream
 * {@link BodySizeLimitFilter} hands out as soon as one byte too many is read (so anything reading a
 * body — a message converter, the webhook ingress — stops there), and answered as 413 by
 * the API's problem advice.
 */
public class BodyTooLargeException extends RuntimeException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("The request body is larger than the limit of " + BodySizeLimitFilter.describe(limit)
                + " (braid.limits.max-body-size)");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
