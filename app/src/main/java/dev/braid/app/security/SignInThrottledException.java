package dev.braid.app.security;

import java.time.Duration;

import org.springframework.security.core.AuthenticationException;

/** A sign-in refused without a password check because of earlier failures; answered 429 with {@code Retry-After}. */
public class SignInThrottledException extends AuthenticationException {

    private final Duration retryAfter;

    public SignInThrottledException(Duration retryAfter) {
        super("Too many failed sign-ins; try again in " + seconds(retryAfter) + " s");
        this.retryAfter = retryAfter;
    }

    /** The sentence of the 429 answer. */
    public String detail() {
        return "Too many failed sign-ins for this user or from this address; no password is checked for "
                + retryAfterSeconds() + " s (Retry-After). Repeated failures make the wait longer";
    }

    /** Whole seconds, rounded up, at least 1: what {@code Retry-After} says. */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration d) {
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, s);
    }
}
