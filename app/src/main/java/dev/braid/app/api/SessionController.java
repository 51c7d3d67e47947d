package dev.braid.app.api;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.security.SignInThrottledException;
import dev.braid.app.security.UserPasswordAuthentication;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Browser sessions for the UI: {@code GET /api/v1/session} (who is signed in, and the CSRF token, also
 * set as the {@code XSRF-TOKEN} cookie), {@code POST} {@code {username, password}} signs in (a session
 * cookie), {@code DELETE} signs out. A request that rides on the session cookie must echo the token in
 * {@code X-XSRF-TOKEN} when it changes something; API clients sending Basic or bearer credentials do not.
 * Failed sign-ins are throttled like Basic ones: 429 with {@code Retry-After} while held off.
 */
@RestController
@RequestMapping("/api/v1/session")
public class SessionController {

    private final AuthenticationManager authentication;
    private final HttpSessionSecurityContextRepository sessions = new HttpSessionSecurityContextRepository();

    public SessionController(UserPasswordAuthentication users) {
        this.authentication = new org.springframework.security.authentication.ProviderManager(users);
    }

    @GetMapping
    public ObjectNode current(Authentication who, CsrfToken csrf) {
        return view(who, csrf);
    }

    @PostMapping
    public ObjectNode signIn(@RequestBody(required = false) JsonNode body, CsrfToken csrf, HttpServletRequest request,
                             HttpServletResponse response) {
        String username = body == null ? null : body.path("username").asString(null);
        String password = body == null ? null : body.path("password").asString(null);
        if (username == null || password == null) {
            throw ApiException.badRequest("Sign in with {\"username\": \"…\", \"password\": \"…\"}");
        }
        Authentication signedIn;
        UsernamePasswordAuthenticationToken attempt = UsernamePasswordAuthenticationToken.unauthenticated(username, password);
        attempt.setDetails(new WebAuthenticationDetails(request)); // the client address, for the sign-in throttle
        try {
            signedIn = authentication.authenticate(attempt);
        } catch (SignInThrottledException e) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, e.detail(), Map.of("retryAfter", e.retryAfterSeconds()));
        } catch (AuthenticationException e) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "The user name or password is wrong");
        }
        // A new session id at sign-in: a session fixed by someone else before it is never promoted.
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        request.getSession(true);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(signedIn);
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
        return view(signedIn, csrf);
    }

    @DeleteMapping
    public ResponseEntity<Void> signOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        SecurityContextHolder.clearContext();
        return ResponseEntity.noContent().build();
    }

    private static ObjectNode view(Authentication who, CsrfToken csrf) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        boolean signedIn = who != null && who.isAuthenticated() && !(who instanceof
                org.springframework.security.authentication.AnonymousAuthenticationToken);
        out.put("authenticated", signedIn);
        out.put("username", signedIn ? who.getName() : null);
        var roles = out.putArray("roles");
        if (signedIn) {
            who.getAuthorities().forEach(a -> roles.add(a.getAuthority().replaceFirst("^ROLE_", "")));
        }
        // Reading the token makes the repository set the XSRF-TOKEN cookie on this response.
        out.put("csrfToken", csrf == null ? null : csrf.getToken());
        return out;
    }
}
