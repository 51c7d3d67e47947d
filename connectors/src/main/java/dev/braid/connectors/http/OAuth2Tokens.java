package dev.braid.connectors.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.braid.engine.spi.ActionException;

/**
 * The access tokens of oauth2 connections, one per (tokenUrl, clientId, scope), shared by every
 * call of the connector. A token is replaced {@value #REFRESH_SECONDS} seconds before it expires,
 * and when the target answered 401 to it. One fetch at a time per key: concurrent callers wait for
 * it rather than each asking the token endpoint.
 */
final class OAuth2Tokens {

    static final long REFRESH_SECONDS = 30;

    /** @param expiresAt {@link Instant#MAX} when the endpoint gave no {@code expires_in} */
    record Token(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }

    @FunctionalInterface
    interface Fetch {
        Token fetch() throws ActionException;
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();   // not synchronized: the fetch blocks on I/O
        Token token;
    }

    private final ConcurrentHashMap<HttpAuth.OAuth2.Key, Slot> slots = new ConcurrentHashMap<>();

    /** A token valid for at least {@value #REFRESH_SECONDS} more seconds, fetched only when the cached one is not. */
    /** @param wait how long to wait for another call's fetch of the same token: the step's time left */
    String token(HttpAuth.OAuth2.Key key, Clock clock, Duration wait, Fetch fetch) throws ActionException {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        try {
            if (!slot.lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw ActionException.retryable(HttpFailure.TIMEOUT,
                        "gave up waiting for another call's oauth2 token request to " + key.tokenUrl().replaceFirst("\\?.*$", ""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActionException.retryable(HttpFailure.INTERRUPTED, "interrupted waiting for an oauth2 token", e);
        }
        try {
            Token cached = slot.token;
            if (cached != null && fresh(cached, clock)) {
                return cached.value();
            }
            slot.token = null;
            Token fetched = fetch.fetch();
            slot.token = fetched;
            return fetched.value();
        } finally {
            slot.lock.unlock();
        }
    }

    /** Forgets {@code used} if it is still the cached token; a newer one another call fetched stays. */
    void reject(HttpAuth.OAuth2.Key key, String used) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return;
        }
        slot.lock.lock();
        try {
            if (slot.token != null && slot.token.value().equals(used)) {
                slot.token = null;
            }
        } finally {
            slot.lock.unlock();
        }
    }

    private static boolean fresh(Token token, Clock clock) {
        if (token.expiresAt().equals(Instant.MAX)) {
            return true;
        }
        return clock.instant().isBefore(token.expiresAt().minus(Duration.ofSeconds(REFRESH_SECONDS)));
    }
}
