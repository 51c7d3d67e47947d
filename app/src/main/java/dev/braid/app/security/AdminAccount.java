package dev.braid.app.security;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;

/**
 * Makes sure user {@code admin} exists, once the schema is migrated and before the server takes
 * requests. With {@code braid.admin.password} ({@code BRAID_ADMIN_PASSWORD}) set, that is the admin's
 * password (a changed value replaces the stored hash). Without it, the first start generates a strong
 * password, stores only its hash and prints it once; later starts print nothing.
 */
@Component
public class AdminAccount implements SmartInitializingSingleton {

    static final String ADMIN = "admin";
    static final List<String> ROLES = List.of("admin");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final int GENERATED_LENGTH = 24;

    private static final Logger log = LoggerFactory.getLogger(AdminAccount.class);

    private final UserAccounts users;
    private final PasswordEncoder encoder;
    private final UserPasswordAuthentication authentication;
    private final String configured;

    public AdminAccount(UserAccounts users, PasswordEncoder encoder, UserPasswordAuthentication authentication,
                        BraidProperties properties) {
        this.users = users;
        this.encoder = encoder;
        this.authentication = authentication;
        this.configured = properties.admin() == null ? null : properties.admin().password();
    }

    @Override
    public void afterSingletonsInstantiated() {
        ensure();
    }

    void ensure() {
        Optional<UserAccounts.Account> existing = users.find(ADMIN);
        if (configured != null && !configured.isEmpty()) {
            if (existing.isEmpty() && users.insertIfAbsent(ADMIN, encoder.encode(configured), ROLES)) {
                log.info("Created user admin with the password from BRAID_ADMIN_PASSWORD");
                return;
            }
            UserAccounts.Account account = existing.or(() -> users.find(ADMIN)).orElseThrow();
            if (!matches(configured, account.passwordHash())) {
                users.updatePasswordHash(ADMIN, encoder.encode(configured));
                authentication.forget(ADMIN);
                log.info("Set the password of user admin to the one from BRAID_ADMIN_PASSWORD");
            }
            return;
        }
        if (existing.isPresent()) {
            return;
        }
        String generated = generate();
        if (users.insertIfAbsent(ADMIN, encoder.encode(generated), ROLES)) {
            log.warn("""

                    ==========================================================================================
                    Generated password for user admin: {} — set BRAID_ADMIN_PASSWORD to choose your own
                    (shown only this once; only its hash is stored)
                    ==========================================================================================""",
                    generated);
        }
    }

    private boolean matches(String password, String hash) {
        try {
            return hash != null && encoder.matches(password, hash) && !encoder.upgradeEncoding(hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
