package dev.braid.app.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.http.BodyTooLargeException;
import dev.braid.app.http.Problems;

/**
 * {@code /error}, where the servlet container sends what never reached a controller's advice (an
 * exception in a filter, a {@code sendError}): answered as a problem too, never as an HTML page or a
 * stack trace. Replaces Spring Boot's {@code BasicErrorController}.
 */
@RestController
public class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("/error")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? request.getRequestURI() : uri.toString();
        HttpStatus status = HttpStatus.resolve(code instanceof Integer i ? i : 500);
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                return answer(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage(), path);
            }
        }
        String detail;
        if (status.is5xxServerError()) {
            String reference = java.util.UUID.randomUUID().toString();
            log.error("Request {} failed with {} (reference {})", path, status.value(), reference, failure);
            detail = "The server failed to handle this request; the error is logged with reference " + reference;
        } else if (status == HttpStatus.NOT_FOUND) {
            detail = "Nothing is at " + path;
        } else {
            detail = "The request to " + path + " was refused: " + status.getReasonPhrase();
        }
        return answer(status, detail, path);
    }

    private static ResponseEntity<ProblemDetail> answer(HttpStatus status, String detail, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(Problems.instance(path));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
