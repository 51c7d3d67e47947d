package dev.braid.app.api;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.braid.app.http.BodyTooLargeException;
import dev.braid.app.http.Problems;
import dev.braid.app.refusal.Refused;
import dev.braid.engine.parse.RecipeValidationException;
import dev.braid.engine.parse.ValidationError;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Every error of every controller as an RFC 9457 {@code application/problem+json} answer with a
 * {@code detail} a person can act on. Spring MVC's own errors (405, 415, 404 for unknown paths, ...)
 * come through {@link ResponseEntityExceptionHandler}; anything unexpected is logged with a reference
 * and answered 500 without internals.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(RecipeValidationException.class)
    ResponseEntity<ProblemDetail> invalidRecipe(RecipeValidationException e, HttpServletRequest request) {
        return answer(invalidRecipe(e.errors(), request));
    }

    /** 400 with {@code errors: [{path, line, column, message}]}. */
    static ProblemDetail invalidRecipe(List<ValidationError> errors, HttpServletRequest request) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "The recipe has " + errors.size() + " problem(s)", request);
        problem.setTitle("Invalid recipe");
        problem.setProperty("errors", errors);
        return problem;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> refused(ApiException e, HttpServletRequest request) {
        ProblemDetail problem = Problems.of(e.status(), e.getMessage(), request);
        e.properties().forEach(problem::setProperty);
        return answer(problem);
    }

    /** What the domain refused (a discarded dead letter, a run that has ended, settings that do not fit, ...). */
    @ExceptionHandler(Refused.class)
    ResponseEntity<ProblemDetail> refusedByTheDomain(Refused e, HttpServletRequest request) {
        ProblemDetail problem = Problems.of(status(e), e.getMessage(), request);
        e.properties().forEach(problem::setProperty);
        return answer(problem);
    }

    /** The one place a domain refusal gets its HTTP status. */
    static HttpStatus status(Refused e) {
        return status(e.kind());
    }

    /** A refusal's status from its {@link Refused#kind() kind}, also where it was stored (a bulk job's item); else 500. */
    static HttpStatus status(String kind) {
        return switch (kind) {
            case "not-found" -> HttpStatus.NOT_FOUND;
            case "conflict" -> HttpStatus.CONFLICT;
            case "invalid" -> HttpStatus.BAD_REQUEST;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(BodyTooLargeException e, HttpServletRequest request) {
        return answer(Problems.of(HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), request));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) throws Exception {
        if (e instanceof AccessDeniedException || e instanceof AuthenticationException) {
            throw e; // Spring Security's filters answer these (401/403)
        }
        BodyTooLargeException tooLarge = cause(e, BodyTooLargeException.class);
        if (tooLarge != null) {
            return tooLarge(tooLarge, request);
        }
        String reference = UUID.randomUUID().toString();
        log.error("Unexpected error on {} {} (reference {})", request.getMethod(), request.getRequestURI(), reference, e);
        ProblemDetail problem = Problems.of(HttpStatus.INTERNAL_SERVER_ERROR,
                "The server failed to handle this request; the error is logged with reference " + reference, request);
        problem.setProperty("reference", reference);
        return answer(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        BodyTooLargeException tooLarge = cause(e, BodyTooLargeException.class);
        if (tooLarge != null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
            return handleExceptionInternal(e, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
        }
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        JacksonException json = cause(e, JacksonException.class);
        if (json != null) {
            StringBuilder detail = new StringBuilder("The request body is not valid JSON: ").append(json.getOriginalMessage());
            TokenStreamLocation at = json.getLocation();
            if (at != null && at.getLineNr() > 0) {
                detail.append(" (line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr()).append(')');
                problem.setProperty("line", at.getLineNr());
                problem.setProperty("column", at.getColumnNr());
            }
            problem.setDetail(detail.toString());
        } else if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            problem.setDetail("The request needs a body");
        } else {
            problem.setDetail("The request body could not be read");
        }
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e, HttpHeaders headers,
                                                                     HttpStatusCode status, WebRequest request) {
        String given = e.getContentType() == null ? "no Content-Type" : "Content-Type '" + e.getContentType() + "'";
        String supported = e.getSupportedMediaTypes().stream().map(MediaType::toString).collect(Collectors.joining(", "));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, "A request with " + given + " is not supported here"
                + (supported.isEmpty() ? "" : "; send one of " + supported));
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers, HttpStatusCode status,
                                                        WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
        String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "'" + e.getValue() + "' is not a valid " + type + " for '" + name + "'");
        problem.setProperty("parameter", name);
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    /** Problems always go out as {@code application/problem+json}, whatever the request's Accept said. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                          WebRequest request) {
        HttpHeaders out = new HttpHeaders();
        if (headers != null) {
            out.putAll(headers);
        }
        if (body instanceof ProblemDetail) {
            out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        return new ResponseEntity<>(body, out, status);
    }

    static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
