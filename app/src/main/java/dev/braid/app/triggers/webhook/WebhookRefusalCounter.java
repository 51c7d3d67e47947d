package dev.braid.app.triggers.webhook;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the webhooks answered 401, 413 or 429 ({@link WebhookRefusals}) by the status they got, wherever
 * the answer came from: {@link WebhookIngress} (signature, rate limit, a chunked body too long) or the body
 * size limit filter, which answers a declared length above the limit before the servlet is reached — so
 * this filter runs outside it. An accepted webhook costs one status check.
 */
class WebhookRefusalCounter extends OncePerRequestFilter {

    private final WebhookRefusals refusals;

    WebhookRefusalCounter(WebhookRefusals refusals) {
        this.refusals = refusals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            int status = response.getStatus();
            if (status == 401 || status == 413 || status == 429) {
                String path = request.getRequestURI();
                int slash = path.lastIndexOf('/');
                refusals.refused(path.substring(slash + 1), status);
            }
        }
    }
}
