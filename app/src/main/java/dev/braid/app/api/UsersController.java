package dev.braid.app.api;

import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.security.Role;
import dev.braid.app.security.UserAccounts;
import dev.braid.app.security.UserPasswordAuthentication;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v1/users} (admins only): users {@code {username, roles, createdAt}}; passwords are
 * write-only and stored as bcrypt hashes. The last admin cannot be deleted or lose the role, so the
 * server can never be left without someone who manages users.
 */
@RestController
@RequestMapping("/api/v1/users")
public class UsersController {

    static final int MIN_PASSWORD = 12;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,63}");

    private final UserAccounts users;
    private final PasswordEncoder encoder;
    private final UserPasswordAuthentication logins;
    private final TransactionTemplate tx;

    public UsersController(UserAccounts users, PasswordEncoder encoder, UserPasswordAuthentication logins,
                           PlatformTransactionManager transactions) {
        this.users = users;
        this.encoder = encoder;
        this.logins = logins;
        this.tx = new TransactionTemplate(transactions);
    }

    @GetMapping
    public Paging.Page<ObjectNode> list(@RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String cursor) {
        int n = Paging.limit(limit);
        List<UserAccounts.Listed> rows = users.list(Paging.key(cursor), n + 1);
        return Paging.page(rows, n, UsersController::view, UserAccounts.Listed::username);
    }

    @GetMapping("/{username}")
    public ObjectNode get(@PathVariable String username) {
        return view(users.describe(username).orElseThrow(() -> notFound(username)));
    }

    /** {@code {username, password, roles}} → 201 the user. */
    @PostMapping
    public ResponseEntity<ObjectNode> create(@RequestBody JsonNode body) {
        JsonNode request = object(body);
        String username = text(request, "username");
        if (username == null || !NAME.matcher(username).matches()) {
            throw ApiException.badParameter("username", "'username' must be 1 to 64 lower-case letters, digits and . _ @ -, "
                    + "starting with a letter or digit, e.g. ada or ops-bot");
        }
        String password = password(request, true);
        List<String> roles = roles(request, true);
        if (!users.insertIfAbsent(username, encoder.encode(password), roles)) {
            throw ApiException.conflict("User '" + username + "' exists; change it with PUT /api/v1/users/" + username);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(get(username));
    }

    /** {@code {password?, roles?}}: what is given is replaced. */
    @PutMapping("/{username}")
    public ObjectNode update(@PathVariable String username, @RequestBody JsonNode body) {
        JsonNode request = object(body);
        String password = password(request, false);
        List<String> roles = roles(request, false);
        tx.executeWithoutResult(s -> {
            UserAccounts.Listed current = users.describe(username).orElseThrow(() -> notFound(username));
            if (roles != null && current.roles().contains("admin") && !roles.contains("admin")
                    && users.lockAndCountAdmins() <= 1) {
                throw ApiException.conflict("'" + username + "' is the last admin; make another user admin first");
            }
            users.update(username, password == null ? null : encoder.encode(password), roles);
        });
        logins.forget(username);
        return get(username);
    }

    @DeleteMapping("/{username}")
    public ResponseEntity<Void> delete(@PathVariable String username, Principal me) {
        if (me != null && me.getName().equals(username)) {
            throw ApiException.conflict("You cannot delete yourself; another admin can");
        }
        tx.executeWithoutResult(s -> {
            UserAccounts.Listed current = users.describe(username).orElseThrow(() -> notFound(username));
            if (current.roles().contains("admin") && users.lockAndCountAdmins() <= 1) {
                throw ApiException.conflict("'" + username + "' is the last admin and cannot be deleted");
            }
            users.delete(username);
        });
        logins.forget(username);
        return ResponseEntity.noContent().build();
    }

    static ObjectNode view(UserAccounts.Listed user) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("username", user.username());
        out.set("roles", JsonNodeFactory.instance.arrayNode().addAll(
                user.roles().stream().map(JsonNodeFactory.instance::stringNode).toList()));
        out.put("createdAt", user.createdAt().toString());
        return out;
    }

    private static ApiException notFound(String username) {
        return ApiException.notFound("No user '" + username + "' exists");
    }

    private static JsonNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object such as "
                    + "{\"username\": \"ada\", \"password\": \"…\", \"roles\": [\"builder\"]}");
        }
        return body;
    }

    private static String text(JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw ApiException.badParameter(field, "'" + field + "' must be a string");
        }
        return v.asString();
    }

    private static String password(JsonNode request, boolean required) {
        String password = text(request, "password");
        if (password == null) {
            if (required) {
                throw ApiException.badParameter("password", "'password' is required (at least " + MIN_PASSWORD + " characters)");
            }
            return null;
        }
        if (password.length() < MIN_PASSWORD || password.length() > 256) {
            throw ApiException.badParameter("password", "'password' must be " + MIN_PASSWORD + " to 256 characters long");
        }
        return password;
    }

    private static List<String> roles(JsonNode request, boolean required) {
        JsonNode v = request.get("roles");
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badParameter("roles", "'roles' is required: a list of admin, builder, operator, viewer");
            }
            return null;
        }
        if (!v.isArray() || v.isEmpty()) {
            throw ApiException.badParameter("roles", "'roles' must be a non-empty list of admin, builder, operator, viewer");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode r : v.values()) {
            String role = r.isString() ? r.asString() : r.toString();
            if (Role.fromWire(role).isEmpty()) {
                throw ApiException.badParameter("roles", "'" + role + "' is not a role; use admin, builder, operator or viewer");
            }
            roles.add(role);
        }
        return new ArrayList<>(roles);
    }

}
