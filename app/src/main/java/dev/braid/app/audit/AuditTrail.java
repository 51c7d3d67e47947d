package dev.braid.app.audit;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.braid.app.store.NewestFirst;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The audit log: every change made through {@code /api/**} that succeeded — who, when, which
 * endpoint ({@code action}, e.g. {@code POST /api/v1/recipes/{slug}/enable}) and on what
 * ({@code target}, the path itself). Written here, once, for every controller, so a new endpoint is
 * audited without remembering to. Reads (GET) and refused requests are not changes and are not kept,
 * except refusals an operator must see although no controller was reached ({@link #refusal}: a sign-in
 * held off after repeated failures).
 */
@Component
public class AuditTrail implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");

    /**
     * A request attribute a controller may set to name what it changed more exactly than the path (a
     * bulk job's own path, where the request went to the collection).
     */
    public static final String TARGET = AuditTrail.class.getName() + ".target";

    private final JdbcClient jdbc;

    public AuditTrail(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Entry(long id, Instant at, String username, String action, String target, int status) {}

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        if (!CHANGES.contains(request.getMethod()) || response.getStatus() >= 400 || ex != null) {
            return;
        }
        Principal user = request.getUserPrincipal();
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String action = request.getMethod() + " " + (pattern == null ? request.getRequestURI() : pattern);
        try {
            jdbc.sql("insert into audit_log (username, action, target, status) values (?, ?, ?, ?)")
                    .params(user == null ? null : user.getName(), action,
                            request.getAttribute(TARGET) instanceof String target ? target : request.getRequestURI(),
                            response.getStatus())
                    .update();
        } catch (RuntimeException e) {
            // The change itself is committed; a lost audit line must be loud, not a failed request.
            log.error("Could not write the audit line for {} by {}: {}", action, user == null ? "?" : user.getName(), e.toString());
        }
    }

    /**
     * A refusal outside the controllers, e.g. {@code action} {@code SIGN-IN HELD OFF}, {@code target} the
     * bound and client address; {@code username} is the name that was tried (it may not exist).
     */
    public void refusal(String username, String action, String target, int status) {
        insert(username, action, target, status);
    }

    private void insert(String username, String action, String target, int status) {
        try {
            jdbc.sql("insert into audit_log (username, action, target, status) values (?, ?, ?, ?)")
                    .params(username, action, target, status)
                    .update();
        } catch (RuntimeException e) {
            log.error("Could not write the audit line for {} by {}: {}", action, username, e.toString());
        }
    }

    /**
     * A change made in the background on someone's behalf (a bulk job finishing), which no request carries:
     * {@code username} who asked for it, {@code target} what it did.
     */
    public void record(String username, String action, String target, int status) {
        insert(username, action, target, status);
    }

    /** Newest first; {@code before} is the id to continue below (paging). */
    public List<Entry> list(String username, Instant from, Instant to, Long before, int limit) {
        return new NewestFirst("select id, at, username, action, target, status from audit_log")
                .equal("username", username)
                .between("at", from, to)
                .page(jdbc, before, limit, (rs, n) -> new Entry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
                        rs.getString("username"), rs.getString("action"), rs.getString("target"), rs.getInt("status")));
    }
}
