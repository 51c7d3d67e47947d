package dev.braid.app.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.braid.app.audit.AuditTrail;
import dev.braid.app.config.BraidProperties;

/**
 * Makes password guessing slow (issue 14): failed sign-ins are counted per user and client address, per
 * user and per address, and past a bound the next attempts are refused — without a password check — until
 * a hold ends ({@link SignInThrottledException}, answered 429 with {@code Retry-After}).
 *
 * <ul>
 * <li><b>User from address</b>: {@code maxFailures} failures are free, each further one holds the pair
 *     off for {@code firstHold}, doubling up to {@code maxHold}. Only the guesser waits; the real user at
 *     another address is not affected.
 * <li><b>User</b>, over all addresses: past {@code maxUserFailures} every address that has failed for
 *     this user (and is not forgotten) is held off, at most {@code maxSharedHold}. Guessing spread over
 *     many addresses gets one try per fresh address; an address with no failures (the real user) still
 *     signs in.
 * <li><b>Address</b>, over all users (password spraying): past {@code maxAddressFailures} the address is
 *     held off, at most {@code maxSharedHold}, short because people behind one NAT share it.
 * </ul>
 * A record is forgotten {@code window} after its last failure or the end of its hold, whichever is later,
 * so a patient guesser keeps the longest hold. A success forgets that user's failures from that address.
 * Concurrent attempts of one pair count as failures while their check runs, so a burst of parallel
 * guesses cannot slip past the bound before the first failure is recorded.
 *
 * <p>State is per node, in memory: a cluster of N nodes behind a balancer gives a guesser at most N
 * times the budget; a restart forgets it. At most {@link #MAX_TRACKED} records per kind are kept.
 */
@Component
public class SignInThrottle {

    static final int MAX_TRACKED = 100_000;
    private static final int MAX_NAME = 256;

    /** Which bound a hold comes from. */
    public enum Bound { USER_FROM_ADDRESS, USER, ADDRESS }

    /** A hold that has begun: reported once (audited), while the refusals during it are not. */
    public record Hold(String username, String address, Bound bound, Duration length) {

        /** The audit line's target, e.g. {@code user from address 203.0.113.9 for 4s}. */
        String describe() {
            String who = switch (bound) {
                case USER_FROM_ADDRESS -> "user from address " + address;
                case USER -> "user from every address that failed for it (the last " + address + ")";
                case ADDRESS -> "address " + address + " for every user";
            };
            return who + " for " + length.toSeconds() + "s";
        }
    }

    /** Where started holds go (the audit log). */
    @FunctionalInterface
    interface Holds {
        void started(Hold hold);
    }

    private final BraidProperties.SignIn settings;
    private final Clock clock;
    private final Holds holds;
    private final Map<String, Failures> pairs = new ConcurrentHashMap<>();
    private final Map<String, Failures> users = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    @Autowired
    public SignInThrottle(BraidProperties properties, Clock clock, AuditTrail audit) {
        this(properties.signIn(), clock, hold -> audit.refusal(hold.username(), "SIGN-IN HELD OFF", hold.describe(), 429));
    }

    SignInThrottle(BraidProperties.SignIn settings, Clock clock, Holds holds) {
        this.settings = settings;
        this.clock = clock;
        this.holds = holds;
    }

    /** One attempt under way: end it with exactly one of {@link #failed}, {@link #succeeded}, {@link #abandoned}. */
    public final class Attempt {
        private final String username;
        private final String address;
        private boolean ended;

        private Attempt(String username, String address) {
            this.username = username;
            this.address = address;
        }

        /** The password was wrong (or the user unknown). */
        public void failed() {
            if (end()) {
                recordFailure(username, address);
            }
        }

        public void succeeded() {
            if (end()) {
                pairs.remove(pairKey(username, address));
            }
        }

        /** The check could not be made (e.g. the database is down): counts neither way. */
        public void abandoned() {
            end();
        }

        private boolean end() {
            if (ended) {
                return false;
            }
            ended = true;
            release(pairKey(username, address));
            return true;
        }
    }

    /**
     * Starts an attempt, or refuses it while a hold is on.
     *
     * @throws SignInThrottledException with the seconds until the hold ends
     */
    public Attempt begin(String username, String address) {
        String user = bounded(username);
        String from = bounded(address);
        Instant now = clock.instant();
        Failures pair = pairs.compute(pairKey(user, from), (k, f) -> live(f, now).pending(+1));
        // Parallel guesses: no more at once than failures are left before the bound, one at a time past it.
        Duration wait = pair.pending() > Math.max(1, settings.maxFailures() - pair.failures())
                ? settings.firstHold() : Duration.ZERO;
        wait = longest(wait, remaining(pair, now));
        wait = longest(wait, remaining(addresses.get(from), now));
        if (pair.failures() > 0) {
            wait = longest(wait, remaining(users.get(user), now));
        }
        if (!wait.isZero()) {
            release(pairKey(user, from));
            throw new SignInThrottledException(wait);
        }
        return new Attempt(user, from);
    }

    /** One attempt of the pair is over; a record left with no failures and nothing pending is dropped. */
    private void release(String pairKey) {
        pairs.computeIfPresent(pairKey, (k, f) -> f.failures() == 0 && f.pending() <= 1 ? null : f.pending(-1));
    }

    /** Records kept, all kinds together (memory is bounded by {@link #MAX_TRACKED} per kind). */
    long tracked() {
        return (long) pairs.size() + users.size() + addresses.size();
    }

    private void recordFailure(String user, String from) {
        Instant now = clock.instant();
        fail(pairs, pairKey(user, from), now, settings.maxFailures(), settings.maxHold(), Bound.USER_FROM_ADDRESS, user, from);
        fail(users, user, now, settings.maxUserFailures(), settings.maxSharedHold(), Bound.USER, user, from);
        fail(addresses, from, now, settings.maxAddressFailures(), settings.maxSharedHold(), Bound.ADDRESS, user, from);
    }

    private void fail(Map<String, Failures> records, String key, Instant now, int bound, Duration cap, Bound kind,
                      String user, String from) {
        if (records.size() >= MAX_TRACKED) {
            prune(records, now);
        }
        Failures after = records.compute(key, (k, f) -> {
            Failures counted = live(f, now).failed(now);
            Duration length = holdAfter(counted.failures(), bound, cap);
            return length.isZero() ? counted : counted.heldUntil(now.plus(length));
        });
        Duration length = holdAfter(after.failures(), bound, cap);
        if (!length.isZero()) {
            holds.started(new Hold(user, from, kind, length));
        }
    }

    /** The failure that reaches {@code bound} starts a hold of firstHold, each further one doubles it, at most {@code cap}. */
    Duration holdAfter(int failures, int bound, Duration cap) {
        if (failures < bound) {
            return Duration.ZERO;
        }
        Duration hold = settings.firstHold().multipliedBy(1L << Math.min(failures - bound, 30));
        return hold.compareTo(cap) > 0 ? cap : hold;
    }

    private Failures live(Failures f, Instant now) {
        return f == null || f.forgotten(now, settings.window()) ? Failures.NONE.withPendingOf(f) : f;
    }

    private Duration remaining(Failures f, Instant now) {
        if (f == null || !f.heldUntil().isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(now, f.heldUntil());
    }

    private void prune(Map<String, Failures> records, Instant now) {
        records.values().removeIf(f -> f.pending() == 0 && f.forgotten(now, settings.window()));
        if (records.size() >= MAX_TRACKED) {
            // Flooded with made-up names: keep the holds, drop the rest.
            records.values().removeIf(f -> f.pending() == 0 && !f.heldUntil().isAfter(now));
        }
    }

    private static Duration longest(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String pairKey(String user, String from) {
        return user + '\u0000' + from;
    }

    private static String bounded(String text) {
        String t = text == null ? "" : text;
        return t.length() > MAX_NAME ? t.substring(0, MAX_NAME) : t;
    }

    /** Failures of one key: how many, the last, the end of the hold, and attempts whose check is running. */
    record Failures(int failures, Instant last, Instant heldUntil, int pending) {

        static final Failures NONE = new Failures(0, Instant.EPOCH, Instant.EPOCH, 0);

        boolean forgotten(Instant now, Duration window) {
            Instant latest = last.isAfter(heldUntil) ? last : heldUntil;
            return failures == 0 || !now.isBefore(latest.plus(window));
        }

        Failures failed(Instant now) {
            return new Failures(failures + 1, now, heldUntil, pending);
        }

        Failures heldUntil(Instant until) {
            return new Failures(failures, last, until, pending);
        }

        Failures pending(int delta) {
            return new Failures(failures, last, heldUntil, Math.max(0, pending + delta));
        }

        Failures withPendingOf(Failures old) {
            return old == null ? this : pending(old.pending());
        }
    }
}
