package dev.braid.app.security;

import java.sql.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code users} table: user name, password hash (encoder-prefixed, e.g. {@code {bcrypt}...}) and roles. */
@Repository
public class UserAccounts {

    private final JdbcClient jdbc;

    public UserAccounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Account(String username, String passwordHash, List<String> roles) {}

    public record Listed(String username, List<String> roles, java.time.Instant createdAt) {}

    private static final String LISTED = "select username, roles, created_at from users";

    private static Listed listed(java.sql.ResultSet rs) throws java.sql.SQLException {
        Array roles = rs.getArray("roles");
        List<String> list = roles == null ? List.of() : Arrays.asList((String[]) roles.getArray());
        return new Listed(rs.getString("username"), List.copyOf(list), rs.getTimestamp("created_at").toInstant());
    }

    public List<Listed> list(String after, int limit) {
        return jdbc.sql(LISTED + " where (?::text is null or username > ?) order by username limit ?")
                .params(after, after, limit).query((rs, n) -> listed(rs)).list();
    }

    public Optional<Listed> describe(String username) {
        return jdbc.sql(LISTED + " where username = ?").param(username).query((rs, n) -> listed(rs)).optional();
    }

    public boolean update(String username, String passwordHash, List<String> roles) {
        return jdbc.sql("""
                update users set password_hash = coalesce(?, password_hash),
                                 roles = coalesce(string_to_array(?, ','), roles)
                 where username = ?""")
                .params(passwordHash, roles == null ? null : String.join(",", roles), username).update() == 1;
    }

    public boolean delete(String username) {
        return jdbc.sql("delete from users where username = ?").param(username).update() == 1;
    }

    /**
     * Locks the admins' rows and counts them, so that two requests taking the role from the last two
     * admins at once cannot both succeed. Call inside a transaction.
     */
    public int lockAndCountAdmins() {
        return jdbc.sql("select username from users where 'admin' = any(roles) for update").query(String.class).list().size();
    }

    public Optional<Account> find(String username) {
        return jdbc.sql("select username, password_hash, roles from users where username = ?")
                .param(username)
                .query((rs, n) -> {
                    Array roles = rs.getArray("roles");
                    List<String> list = roles == null ? List.of() : Arrays.asList((String[]) roles.getArray());
                    return new Account(rs.getString("username"), rs.getString("password_hash"), List.copyOf(list));
                })
                .optional();
    }

    /** Creates the user unless it exists (another node may be creating it at the same moment); true when created. */
    public boolean insertIfAbsent(String username, String passwordHash, List<String> roles) {
        return jdbc.sql("""
                insert into users (username, password_hash, roles) values (?, ?, string_to_array(?, ','))
                on conflict (username) do nothing""")
                .params(username, passwordHash, String.join(",", roles))
                .update() == 1;
    }

    public boolean updatePasswordHash(String username, String passwordHash) {
        return jdbc.sql("update users set password_hash = ? where username = ?")
                .params(passwordHash, username).update() == 1;
    }
}
