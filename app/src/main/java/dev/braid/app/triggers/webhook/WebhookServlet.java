package dev.braid.app.triggers.webhook;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import dev.braid.app.http.BodyTooLargeException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /hooks/*} as a plain servlet beside Spring MVC's dispatcher. Webhooks are the hot path, and
 * the dispatcher's handler mapping, argument resolution and message conversion cost more CPU than
 * storing the event; the servlet only maps the path, calls {@link WebhookIngress} and writes its
 * answer. (The servlet filters — body size limit, metrics — still apply.)
 */
public class WebhookServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(WebhookServlet.class);

    private final transient WebhookIngress ingress;
    private final transient JsonMapper json;

    public WebhookServlet(WebhookIngress ingress, JsonMapper json) {
        this.ingress = ingress;
        this.json = json;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String slug = slug(request.getPathInfo());
        WebhookIngress.Answer answer;
        Long retryAfter = null;
        try {
            if (!"POST".equals(request.getMethod())) {
                response.setHeader("Allow", "POST");
                throw new IngressException(HttpStatus.METHOD_NOT_ALLOWED, "Webhooks are sent with POST");
            }
            if (slug == null) {
                throw new IngressException(HttpStatus.NOT_FOUND, "Post webhooks to /hooks/<recipe slug>");
            }
            answer = ingress.receive(slug, request);
        } catch (IngressException e) {
            retryAfter = e.retryAfterSeconds();
            answer = problem(e.status(), e.getMessage(), request);
            if (e.field() != null) {
                ((ObjectNode) answer.body()).putArray("errors").addObject().put("path", e.field()).put("message", e.getMessage());
            }
        } catch (BodyTooLargeException e) {
            answer = problem(HttpStatus.CONTENT_TOO_LARGE, e.getMessage(), request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = problem(HttpStatus.SERVICE_UNAVAILABLE, "The server is shutting down; send the webhook again", request);
        } catch (RuntimeException e) {
            log.error("Webhook for '{}' failed", slug, e);
            answer = problem(HttpStatus.INTERNAL_SERVER_ERROR,
                    "The webhook could not be stored; nothing was accepted, send it again", request);
        }
        if (retryAfter != null) {
            response.setHeader("Retry-After", Long.toString(retryAfter));
        }
        response.setStatus(answer.status());
        response.setContentType(answer.problem() ? MediaType.APPLICATION_PROBLEM_JSON_VALUE : MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), answer.body());
    }

    private static WebhookIngress.Answer problem(HttpStatus status, String detail, HttpServletRequest request) {
        ObjectNode body = WebhookIngress.problem(status, status.getReasonPhrase(), detail);
        body.put("instance", request.getRequestURI());
        return new WebhookIngress.Answer(status.value(), body, true);
    }

    /** {@code /order-sync} → {@code order-sync}; anything with a further '/' is no recipe. */
    private static String slug(String pathInfo) {
        if (pathInfo == null || pathInfo.length() < 2) {
            return null;
        }
        String slug = pathInfo.substring(1);
        return slug.contains("/") ? null : slug;
    }
}
