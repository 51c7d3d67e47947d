package dev.braid.app.triggers.webhook;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.braid.engine.model.TriggerSettings;

/**
 * A recipe's {@code rateLimit: {requests, per}} as a token bucket on this node: {@code requests}
 * tokens refilled evenly over {@code per}. Above it the sender gets 429 with the seconds until the
 * next token. (With several nodes each enforces the limit for what it receives.)
 */
@Component
class WebhookRateLimits {

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Takes a token, or answers how long until one is available. */
    Duration acquire(String slug, TriggerSettings.RateLimit limit) {
        Bucket bucket = buckets.compute(slug, (k, b) -> b != null && b.limit.equals(limit) ? b : new Bucket(limit));
        return bucket.take(System.nanoTime());
    }

    private static final class Bucket {
        final TriggerSettings.RateLimit limit;
        final double nanosPerToken;
        double tokens;
        long last;

        Bucket(TriggerSettings.RateLimit limit) {
            this.limit = limit;
            this.nanosPerToken = (double) limit.per().toNanos() / limit.requests();
            this.tokens = limit.requests();
            this.last = System.nanoTime();
        }

        synchronized Duration take(long now) {
            tokens = Math.min(limit.requests(), tokens + (now - last) / nanosPerToken);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) ((1 - tokens) * nanosPerToken));
        }
    }
}
