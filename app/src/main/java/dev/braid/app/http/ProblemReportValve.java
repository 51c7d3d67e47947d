package dev.braid.app.http;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tomcat's own error answers as RFC 9457 problems instead of its HTML page: what the container refuses
 * before a request reaches Spring (a malformed request line or header, too many or too large headers, an
 * encoded {@code /} or {@code \} in the path) and any error no servlet wrote a body for. Everything that
 * reaches the application is answered by its own problem handling first; this valve only fills a body
 * that is still empty, so it never overrides one. No exception text or server version is shown.
 */
public class ProblemReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ProblemReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return; // the connection is going away: a plain status, no body (and none would be read)
        }
        try {
            String body = JSON.writeValueAsString(problem(status, request));
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (Exception | LinkageError e) {
            container.getLogger().debug("Could not write the problem answer for status " + status, e);
        }
    }

    static ObjectNode problem(int status, Request request) {
        HttpStatus known = HttpStatus.resolve(status);
        ObjectNode problem = JSON.createObjectNode();
        problem.put("title", known == null ? "Error " + status : known.getReasonPhrase());
        problem.put("status", status);
        String uri = request == null ? null : request.getRequestURI();
        problem.put("detail", detail(status, known, uri));
        if (uri != null && Problems.instance(uri) != null) {
            problem.put("instance", uri);
        }
        return problem;
    }

    private static String detail(int status, HttpStatus known, String uri) {
        String path = uri == null ? "" : uri.toUpperCase(java.util.Locale.ROOT);
        if (status == 400 && (path.contains("%2F") || path.contains("%5C"))) {
            return "The path holds an encoded '/' (%2F) or '\\' (%5C), which paths may not carry (they could "
                    + "reach another resource than the one named); send such values in the query or the body";
        }
        return switch (status) {
            case 400 -> "The server refused this request before reading it: it is not valid HTTP, or it has too many "
                    + "(more than 100), too large (more than server.max-http-request-header-size, 8 KB by default, together) or malformed headers, or characters a "
                    + "path may not carry. Send a well-formed HTTP/1.1 request";
            case 408 -> "The request did not arrive in time; send the whole request without pauses";
            case 413 -> "The request is larger than the server accepts (braid.limits.max-body-size for bodies)";
            case 414 -> "The request line is too long; send long data in the body instead of the URL";
            case 431 -> "The request's headers are too large; send fewer or shorter headers";
            case 501 -> "The server does not support this method or transfer encoding";
            case 505 -> "The HTTP version is not supported; use HTTP/1.1";
            default -> known != null && known.is5xxServerError()
                    ? "The server failed to handle this request; try again, and look at the server's log if it persists"
                    : "The server refused this request: " + (known == null ? "status " + status : known.getReasonPhrase());
        };
    }
}
