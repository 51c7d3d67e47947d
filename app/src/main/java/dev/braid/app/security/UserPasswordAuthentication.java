package dev.braid.app.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Checks a user name and password (HTTP Basic) against the {@code users} table. A bcrypt check costs
 * tens of milliseconds by design, and API clients send their password with every request, so a
 * successful check is remembered for {@link #REMEMBER}: the key is an HMAC of name and password under
 * a key that lives only in this process, so the cache never holds a password or anything that
 * could be attacked offline. Failed checks are never cached: every wrong guess costs a full bcrypt.
 * Every check goes through the {@link SignInThrottle} first, keyed by the name and the client address
 * (from the request's {@link WebAuthenticationDetails}): while a hold is on, no password is checked.
 */
@Component
public class UserPasswordAuthentication implements AuthenticationProvider {

    static final Duration REMEMBER = Duration.ofSeconds(60);
    static final int MAX_REMEMBERED = 10_000;
    private static final String WRONG = "The user name or password is wrong";

    private final UserAccounts users;
    private final PasswordEncoder encoder;
    private final SignInThrottle throttle;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private volatile String unknownUserHash;

    public UserPasswordAuthentication(UserAccounts users, PasswordEncoder encoder, SignInThrottle throttle) {
        this.users = users;
        this.encoder = encoder;
        this.throttle = throttle;
        new SecureRandom().nextBytes(cacheKey);
    }

    private record Remembered(String username, List<GrantedAuthority> authorities, long expiresAtNanos) {}

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = authentication.getName();
        Object credentials = authentication.getCredentials();
        if (username == null || username.isEmpty() || credentials == null) {
            throw new BadCredentialsException(WRONG);
        }
        String password = credentials.toString();
        SignInThrottle.Attempt attempt = throttle.begin(username, clientAddress(authentication));
        try {
            Authentication signedIn = check(username, password);
            attempt.succeeded();
            return signedIn;
        } catch (BadCredentialsException e) {
            attempt.failed();
            throw e;
        } finally {
            attempt.abandoned(); // the check itself failed (the database is down): counts neither way
        }
    }

    /** The client's address as the request gave it; "" when the caller attached no request details. */
    static String clientAddress(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails details && details.getRemoteAddress() != null
                ? details.getRemoteAddress() : "";
    }

    private Authentication check(String username, String password) {
        String key = key(username, password);
        long now = System.nanoTime();
        Remembered hit = remembered.get(key);
        if (hit != null && now - hit.expiresAtNanos() < 0) {
            return UsernamePasswordAuthenticationToken.authenticated(username, null, hit.authorities());
        }
        Optional<UserAccounts.Account> account = users.find(username);
        if (account.isEmpty()) {
            // Same cost as a wrong password, so response times do not tell which user names exist.
            encoder.matches(password, unknownUserHash());
            throw new BadCredentialsException(WRONG);
        }
        if (!matches(password, account.get().passwordHash())) {
            throw new BadCredentialsException(WRONG);
        }
        List<GrantedAuthority> authorities = account.get().roles().stream()
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r))
                .toList();
        remember(key, new Remembered(username, authorities, now + REMEMBER.toNanos()));
        return UsernamePasswordAuthenticationToken.authenticated(username, null, authorities);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** Forgets remembered logins of a user at once (its password or roles changed on this node). */
    public void forget(String username) {
        remembered.values().removeIf(r -> r.username().equals(username));
    }

    private boolean matches(String password, String hash) {
        try {
            return hash != null && encoder.matches(password, hash);
        } catch (IllegalArgumentException e) {
            return false; // a hash without a known {id} prefix matches nothing
        }
    }

    private void remember(String key, Remembered entry) {
        if (remembered.size() >= MAX_REMEMBERED) {
            long now = System.nanoTime();
            remembered.values().removeIf(r -> now - r.expiresAtNanos() >= 0);
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
        }
        remembered.put(key, entry);
    }

    private String unknownUserHash() {
        String hash = unknownUserHash;
        if (hash == null) {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            hash = encoder.encode(Base64.getEncoder().encodeToString(random));
            unknownUserHash = hash;
        }
        return hash;
    }

    private String key(String username, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
