package dev.braid.app.http;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 9457 problem details outside Spring MVC: servlet filters and the security entry point answer
 * with the same shape the controllers do ({@code type, title, status, detail, instance} plus any
 * extra members).
 */
public final class Problems {

    private Problems() {}

    public static ProblemDetail of(HttpStatusCode status, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (request != null) {
            problem.setInstance(instance(request.getRequestURI()));
        }
        return problem;
    }

    /** The request path as a problem's {@code instance}; null for a path that is not a valid URI reference. */
    public static URI instance(String path) {
        try {
            return path == null ? null : URI.create(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Writes {@code problem} as {@code application/problem+json}, unless the response is already committed. */
    public static void write(HttpServletResponse response, ProblemDetail problem, JsonMapper json) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        ObjectNode body = json.createObjectNode();
        if (problem.getType() != null) { // absent means about:blank (RFC 9457), as in the controllers' answers
            body.put("type", problem.getType().toString());
        }
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            body.put("instance", problem.getInstance().toString());
        }
        Map<String, Object> properties = problem.getProperties();
        if (properties != null) {
            properties.forEach((k, v) -> body.set(k, json.valueToTree(v)));
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(json.writeValueAsBytes(body));
        response.flushBuffer();
    }
}
