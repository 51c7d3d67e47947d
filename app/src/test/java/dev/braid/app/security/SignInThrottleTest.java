package dev.braid.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.security.SignInThrottle.Bound;
import dev.braid.app.security.SignInThrottle.Hold;

/** The throttle's bounds, holds and windows on a clock the test moves; the defaults of BraidProperties.SignIn. */
class SignInThrottleTest {

    static final String ATTACKER = "203.0.113.66";
    static final String OFFICE = "198.51.100.10";

    /** A clock that moves only when the test says so. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-03-01T09:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    final MovableClock clock = new MovableClock();
    final List<Hold> holds = new ArrayList<>();
    final SignInThrottle throttle = new SignInThrottle(new BraidProperties.SignIn(5, 20, 50, Duration.ofMinutes(15),
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(1)), clock, holds::add);

    /** One wrong password: the hold it meets (refused, no check), or null when it was checked and failed. */
    Duration guess(String user, String address) {
        try {
            throttle.begin(user, address).failed();
            return null;
        } catch (SignInThrottledException e) {
            return Duration.ofSeconds(e.retryAfterSeconds());
        }
    }

    Duration signIn(String user, String address) {
        try {
            throttle.begin(user, address).succeeded();
            return null;
        } catch (SignInThrottledException e) {
            return Duration.ofSeconds(e.retryAfterSeconds());
        }
    }

    @Test
    void fiveFailuresAreFreeThenTheWaitDoublesUpToTheCap() {
        for (int i = 0; i < 5; i++) {
            assertThat(guess("admin", ATTACKER)).as("failure %d is checked", i + 1).isNull();
        }
        assertThat(guess("admin", ATTACKER)).isEqualTo(Duration.ofSeconds(1));
        // Refusals during a hold are not failures: the hold does not grow from them.
        for (int i = 0; i < 100; i++) {
            assertThat(guess("admin", ATTACKER)).isEqualTo(Duration.ofSeconds(1));
        }
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            Duration wait = guess("admin", ATTACKER);
            clock.advance(wait);
            assertThat(guess("admin", ATTACKER)).as("after the hold the next guess is checked").isNull();
            waits.add(guess("admin", ATTACKER));
        }
        assertThat(waits).startsWith(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16))
                .endsWith(Duration.ofMinutes(15), Duration.ofMinutes(15));
        assertThat(holds).extracting(Hold::bound).containsOnly(Bound.USER_FROM_ADDRESS);
        assertThat(holds).hasSize(15);
        assertThat(holds.get(0).describe()).isEqualTo("user from address 203.0.113.66 for 1s");
        assertThat(holds.get(14).describe()).isEqualTo("user from address 203.0.113.66 for 900s");
    }

    @Test
    void theIssuesTwoHundredGuessesInFourteenSecondsGetFiveChecksAndAFewMore() {
        int checked = 0;
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            if (guess("admin", ATTACKER) == null) {
                checked++;
            } else {
                refused++;
            }
            clock.advance(Duration.ofMillis(70));
        }
        System.out.printf("200 wrong passwords in 14 s: %d checked (401), %d refused (429)%n", checked, refused);
        assertThat(checked).isBetween(5, 9);
        assertThat(refused).isEqualTo(200 - checked);
    }

    @Test
    void theRealUserFromAnotherAddressStillSignsIn() {
        for (int i = 0; i < 40; i++) {
            guess("admin", ATTACKER);
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(signIn("admin", OFFICE)).isNull();
        assertThat(signIn("admin", ATTACKER)).as("the guesser's pair is still held").isNotNull();
    }

    @Test
    void guessesSpreadOverAddressesHoldThoseAddressesButNotAFreshOneAndOnlyBriefly() {
        for (int a = 0; a < 10; a++) {
            for (int i = 0; i < 2; i++) {
                assertThat(guess("admin", "192.0.2." + a)).isNull();
            }
        }
        assertThat(holds).extracting(Hold::bound).containsExactly(Bound.USER);

        assertThat(guess("admin", "192.0.2.3")).as("an address that failed for admin").isEqualTo(Duration.ofSeconds(1));
        assertThat(signIn("admin", OFFICE)).as("an address without failures").isNull();
        assertThat(guess("bob", "192.0.2.3")).as("another user from that address").isNull();

        // A new address gets one guess each; the user's hold grows but stays short.
        for (int a = 10; a < 60; a++) {
            clock.advance(Duration.ofSeconds(61));
            assertThat(guess("admin", "192.0.2." + a)).isNull();
        }
        assertThat(guess("admin", "192.0.2.59")).isEqualTo(Duration.ofMinutes(1));
        assertThat(signIn("admin", OFFICE)).isNull();
    }

    @Test
    void sprayingManyUsersFromOneAddressHoldsTheAddress() {
        for (int u = 0; u < 50; u++) {
            assertThat(guess("user-" + u, ATTACKER)).isNull();
        }
        assertThat(holds).extracting(Hold::bound).containsExactly(Bound.ADDRESS);

        assertThat(guess("user-50", ATTACKER)).isEqualTo(Duration.ofSeconds(1));
        assertThat(signIn("user-50", ATTACKER)).as("even a right password is not checked").isNotNull();
        assertThat(signIn("user-50", OFFICE)).isNull();
    }

    @Test
    void afterTheWindowFailuresAreForgotten() {
        for (int i = 0; i < 5; i++) {
            guess("admin", ATTACKER);
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(guess("admin", ATTACKER)).isNull(); // the 6th: 2 s hold

        clock.advance(Duration.ofMinutes(15));
        assertThat(guess("admin", ATTACKER)).as("still remembered: 15 min after the hold ended, not after the failure")
                .isNull();
        assertThat(guess("admin", ATTACKER)).isEqualTo(Duration.ofSeconds(4));

        clock.advance(Duration.ofMinutes(15).plusSeconds(4));
        for (int i = 0; i < 5; i++) {
            assertThat(guess("admin", ATTACKER)).as("forgotten: free again").isNull();
        }
        assertThat(guess("admin", ATTACKER)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aPatientGuesserKeepsTheLongestHold() {
        for (int i = 0; i < 5; i++) {
            guess("admin", ATTACKER);
        }
        Duration wait = guess("admin", ATTACKER);
        int rounds = 0;
        while (!wait.equals(Duration.ofMinutes(15))) {
            clock.advance(wait);
            assertThat(guess("admin", ATTACKER)).isNull();
            wait = guess("admin", ATTACKER);
            rounds++;
        }
        assertThat(rounds).isEqualTo(10); // 2 s ... 1024 s, then the 15 min cap
        for (int i = 0; i < 5; i++) {
            clock.advance(wait);
            assertThat(guess("admin", ATTACKER)).isNull();
            assertThat(guess("admin", ATTACKER)).isEqualTo(Duration.ofMinutes(15));
        }
    }

    @Test
    void aSuccessForgetsThatAddressesFailures() {
        for (int i = 0; i < 4; i++) {
            guess("admin", OFFICE);
        }
        assertThat(signIn("admin", OFFICE)).isNull();
        for (int i = 0; i < 4; i++) {
            assertThat(guess("admin", OFFICE)).isNull();
        }
        assertThat(holds).isEmpty();
    }

    @Test
    void parallelGuessesCannotOvertakeTheBound() {
        List<SignInThrottle.Attempt> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            running.add(throttle.begin("admin", ATTACKER));
        }
        assertThat(guess("admin", ATTACKER)).as("a sixth at once").isEqualTo(Duration.ofSeconds(1));

        running.forEach(SignInThrottle.Attempt::failed);
        assertThat(guess("admin", ATTACKER)).as("held after the five failures").isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        running.clear();
        running.add(throttle.begin("admin", ATTACKER));
        assertThat(guess("admin", ATTACKER)).as("past the bound one at a time").isEqualTo(Duration.ofSeconds(1));
        running.get(0).abandoned();
        assertThat(guess("admin", ATTACKER)).isNull();
    }

    @Test
    void madeUpNamesCannotGrowTheMemoryBeyondTheBound() {
        for (int i = 0; i < SignInThrottle.MAX_TRACKED + 50_000; i++) {
            guess("nobody-" + i, "10.0." + (i % 250) + "." + (i / 250 % 250));
        }
        assertThat(throttle.tracked()).isLessThanOrEqualTo(3L * SignInThrottle.MAX_TRACKED);
    }
}
