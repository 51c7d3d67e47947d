package dev.braid.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.braid.app.config.BraidProperties;

/** The remembered-login cache: successes are remembered, failures never, and a forgotten user is checked again. */
class UserPasswordAuthenticationTest {

    final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    final Map<String, UserAccounts.Account> table = new HashMap<>();
    final AtomicInteger lookups = new AtomicInteger();

    final UserAccounts users = new UserAccounts(null) {
        @Override
        public Optional<Account> find(String username) {
            lookups.incrementAndGet();
            return Optional.ofNullable(table.get(username));
        }
    };

    final SignInThrottle throttle = new SignInThrottle(new BraidProperties.SignIn(5, 20, 50, Duration.ofMinutes(15),
            Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(1)), Clock.systemUTC(), hold -> {});
    final UserPasswordAuthentication authentication = new UserPasswordAuthentication(users, encoder, throttle);

    static Authentication login(String user, String password) {
        return UsernamePasswordAuthenticationToken.unauthenticated(user, password);
    }

    @Test
    void aSuccessIsRememberedAndFailuresAreNot() {
        table.put("admin", new UserAccounts.Account("admin", encoder.encode("s3cret"), List.of("admin")));

        Authentication first = authentication.authenticate(login("admin", "s3cret"));
        assertThat(first.isAuthenticated()).isTrue();
        assertThat(first.getName()).isEqualTo("admin");
        assertThat(first.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_admin");
        assertThat(first.getCredentials()).isNull();
        assertThat(lookups).hasValue(1);

        assertThat(authentication.authenticate(login("admin", "s3cret")).isAuthenticated()).isTrue();
        assertThat(lookups).hasValue(1);

        assertThatThrownBy(() -> authentication.authenticate(login("admin", "wrong"))).isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> authentication.authenticate(login("admin", "wrong"))).isInstanceOf(BadCredentialsException.class);
        assertThat(lookups).hasValue(3);

        table.put("admin", new UserAccounts.Account("admin", encoder.encode("changed"), List.of("admin")));
        authentication.forget("admin");
        assertThatThrownBy(() -> authentication.authenticate(login("admin", "s3cret"))).isInstanceOf(BadCredentialsException.class);
        assertThat(authentication.authenticate(login("admin", "changed")).isAuthenticated()).isTrue();
    }

    @Test
    void unknownUsersAndForeignHashesAreRefused() {
        assertThatThrownBy(() -> authentication.authenticate(login("nobody", "x"))).isInstanceOf(BadCredentialsException.class);
        table.put("legacy", new UserAccounts.Account("legacy", "plain-text-not-a-hash", List.of()));
        assertThatThrownBy(() -> authentication.authenticate(login("legacy", "plain-text-not-a-hash")))
                .isInstanceOf(BadCredentialsException.class);
    }

    static Authentication login(String user, String password, String address) {
        UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.unauthenticated(user, password);
        token.setDetails(new org.springframework.security.web.authentication.WebAuthenticationDetails(address, null));
        return token;
    }

    @Test
    void whileHeldOffNoPasswordIsCheckedAndAnotherAddressStillSignsIn() {
        table.put("ops", new UserAccounts.Account("ops", encoder.encode("right-password"), List.of("operator")));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> authentication.authenticate(login("ops", "guess", "203.0.113.9")))
                    .isExactlyInstanceOf(BadCredentialsException.class);
        }
        int checked = lookups.get();

        assertThatThrownBy(() -> authentication.authenticate(login("ops", "right-password", "203.0.113.9")))
                .isInstanceOf(SignInThrottledException.class);
        assertThat(lookups).as("no lookup, no bcrypt while held off").hasValue(checked);
        assertThat(authentication.authenticate(login("ops", "right-password", "198.51.100.7")).isAuthenticated()).isTrue();
    }
}
