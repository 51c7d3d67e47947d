package dev.braid.app.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

import dev.braid.app.http.Problems;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals of the security layer as problem details: 401 with {@code WWW-Authenticate: Basic
 * realm="braid"} when credentials are missing or wrong, 429 with {@code Retry-After} while failed
 * sign-ins are held off ({@link SignInThrottle}), 403 when the user may not do this.
 */
@Component
public class ProblemEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String CHALLENGE = "Basic realm=\"braid\"";
    static final String BEARER_CHALLENGE = "Bearer realm=\"braid\"";

    private final JsonMapper json;

    public ProblemEntryPoint(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof AuthenticationServiceException) {
            // The check itself failed (e.g. the database is down): not the caller's fault.
            Problems.write(response, Problems.of(HttpStatus.SERVICE_UNAVAILABLE,
                    "The server could not check the credentials right now; try again shortly", request), json);
            return;
        }
        if (e instanceof SignInThrottledException held) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(held.retryAfterSeconds()));
            ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, held.detail(), request);
            problem.setProperty("retryAfter", held.retryAfterSeconds());
            Problems.write(response, problem, json);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, bearer ? BEARER_CHALLENGE : CHALLENGE);
        String detail = !(e instanceof BadCredentialsException)
                ? "This needs authentication: send HTTP Basic credentials (user admin, with the password set by "
                        + "BRAID_ADMIN_PASSWORD) or an API token (Authorization: Bearer brd_...)"
                : bearer ? "The API token is unknown or revoked" : "The user name or password is wrong";
        ProblemDetail problem = Problems.of(HttpStatus.UNAUTHORIZED, detail, request);
        Problems.write(response, problem, json);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        String who = request.getUserPrincipal() == null ? "This user" : "User '" + request.getUserPrincipal().getName() + "'";
        Problems.write(response, Problems.of(HttpStatus.FORBIDDEN, who + " may not " + request.getMethod() + " "
                + request.getRequestURI() + "; an admin can grant the role it needs (see the README's roles table)", request), json);
    }
}
