package dev.braid.app.store;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids sort by creation time, so
 * primary-key order is creation order: cursor paging needs no extra column and inserts stay at the
 * right end of the index. Within one millisecond a counter in the random part keeps them increasing.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong LAST = new AtomicLong();

    /**
     * PostgreSQL's order of {@code uuid} values (bytes compared unsigned); {@link UUID#compareTo} compares the
     * halves as signed numbers, which differs once a half's top bit is set.
     */
    public static final Comparator<UUID> DATABASE_ORDER = (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    private Ids() {}

    /** The smallest id of {@code at}'s millisecond: every id made before it sorts below, every id made at or after it not. */
    public static UUID floor(java.time.Instant at) {
        return new UUID((at.toEpochMilli() << 16) | 0x7000L, 0x8000000000000000L);
    }

    public static UUID next() {
        long now = System.currentTimeMillis();
        // (millis << 12 | sequence), kept strictly increasing across calls in this JVM
        long stamp = LAST.updateAndGet(prev -> Math.max(prev + 1, now << 12));
        long millis = stamp >>> 12;
        long seq = stamp & 0xFFF;
        long msb = (millis << 16) | 0x7000L | seq;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
