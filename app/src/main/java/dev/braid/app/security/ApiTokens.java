package dev.braid.app.security;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.braid.app.store.Ids;
import dev.braid.app.store.Sha256;

/**
 * Bearer tokens for API clients: {@code brd_} + 256 random bits, shown once. Only a SHA-256 of the
 * token is stored (a fast hash suffices for a random secret of that size, and keeps every request
 * cheap). A token acts as its owner, with the owner's current roles; revoking it takes effect on the
 * next request.
 */
@Repository
public class ApiTokens {

    static final String PREFIX = "brd_";
    /** {@code last_used_at} is written at most this often per token: a write per request would cost more than the request. */
    private static final long TOUCH_EVERY_NANOS = 60_000_000_000L;

    private final JdbcClient jdbc;
    private final UserAccounts users;
    private final SecureRandom random = new SecureRandom();
    private final Map<UUID, Long> touched = new ConcurrentHashMap<>();

    public ApiTokens(JdbcClient jdbc, UserAccounts users) {
        this.jdbc = jdbc;
        this.users = users;
    }

    public record Token(UUID id, String username, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {}

    public record Issued(Token token, String secret) {}

    public Issued issue(String username, String name) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        UUID id = Ids.next();
        jdbc.sql("insert into api_tokens (id, username, name, token_hash) values (?, ?, ?, ?)")
                .params(id, username, name, hash(secret)).update();
        return new Issued(find(id).orElseThrow(), secret);
    }

    public List<Token> of(String username) {
        return jdbc.sql(SELECT + " where username = ? order by created_at, id").param(username).query((rs, n) -> token(rs)).list();
    }

    public Optional<Token> find(UUID id) {
        return jdbc.sql(SELECT + " where id = ?").param(id).query((rs, n) -> token(rs)).optional();
    }

    /** True when it was active and is now revoked. */
    public boolean revoke(UUID id) {
        return jdbc.sql("update api_tokens set revoked_at = now() where id = ? and revoked_at is null").param(id).update() == 1;
    }

    /** The owner's account when {@code secret} is an active token. */
    public Optional<UserAccounts.Account> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        Optional<Map.Entry<UUID, String>> owner = jdbc.sql(
                        "select id, username from api_tokens where token_hash = ? and revoked_at is null")
                .param(hash(secret))
                .query((rs, n) -> Map.entry(rs.getObject("id", UUID.class), rs.getString("username")))
                .optional();
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        touch(owner.get().getKey());
        return users.find(owner.get().getValue());
    }

    private void touch(UUID id) {
        long now = System.nanoTime();
        Long last = touched.get(id);
        if (last == null || now - last > TOUCH_EVERY_NANOS) {
            touched.put(id, now);
            jdbc.sql("update api_tokens set last_used_at = now() where id = ?").param(id).update();
        }
    }

    private static final String SELECT = "select id, username, name, created_at, last_used_at, revoked_at from api_tokens";

    private static Token token(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Token(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("name"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static String hash(String secret) {
        return Sha256.hex(secret);
    }
}
