package dev.braid.app.triggers.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.braid.app.queue.Backlog;
import dev.braid.app.queue.RunCompletions;
import dev.braid.app.queue.RunWorker;
import dev.braid.app.ingest.Ingestion;
import dev.braid.app.ingest.TriggerEvent;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RunRow;
import dev.braid.engine.run.RunStatus;
import dev.braid.app.store.Sha256;
import dev.braid.app.triggers.TriggerTemplates;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /hooks/{slug}} (ARCHITECTURE §3, §4): checks the recipe, signature and rate limit, reads the
 * body and hands the event to {@link Ingestion} (idempotency key, dedupe, slot; stored with its run in
 * one statement) before answering — 202 with the run id, the first answer again for a duplicate, or in sync mode the run's
 * result. {@link WebhookServlet} carries it over HTTP; refusals are {@link IngressException}s.
 */
@Component
public class WebhookIngress {

    /** The answer to send: a status and a JSON body, which is a problem document when {@code problem}. */
    public record Answer(int status, JsonNode body, boolean problem) {}

    /** Credentials are not kept in run history. */
    private static final Set<String> DROPPED_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WebhookIngress.class);

    private final RecipeCatalog catalog;
    private final Ingestion ingestion;
    private final RunCompletions completions;
    private final Ingestion.Claim claim;
    private final Expressions expressions;
    private final WebhookRateLimits rateLimits;
    private final Backlog backlog;
    private final TriggerTemplates templates;
    private final JsonMapper json;
    private final Clock clock;

    public WebhookIngress(RecipeCatalog catalog, Ingestion ingestion, RunCompletions completions, RunWorker worker,
                          Expressions expressions, WebhookRateLimits rateLimits, Backlog backlog, TriggerTemplates templates,
                          JsonMapper json, Clock clock) {
        this.backlog = backlog;
        this.catalog = catalog;
        this.ingestion = ingestion;
        this.completions = completions;
        this.claim = new WorkerClaim(worker, clock);
        this.expressions = expressions;
        this.rateLimits = rateLimits;
        this.templates = templates;
        this.json = json;
        this.clock = clock;
    }

    public Answer receive(String slug, HttpServletRequest request) throws IOException, InterruptedException {
        RecipeCatalog.Current recipe = catalog.current(slug)
                .orElseThrow(() -> new IngressException(HttpStatus.NOT_FOUND, "No recipe '" + slug + "' exists"));
        if (!(recipe.recipe().trigger().settings() instanceof TriggerSettings.Webhook webhook)) {
            throw new IngressException(HttpStatus.NOT_FOUND, "Recipe '" + slug + "' has a "
                    + recipe.recipe().trigger().type().wire() + " trigger, not a webhook");
        }
        if (!recipe.enabled()) {
            throw new IngressException(HttpStatus.CONFLICT, "Recipe '" + slug + "' is disabled; enable it to accept webhooks");
        }
        if (webhook.rateLimit() != null) {
            Duration wait = rateLimits.acquire(slug, webhook.rateLimit());
            if (!wait.isZero()) {
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                throw new IngressException(HttpStatus.TOO_MANY_REQUESTS, "Recipe '" + slug + "' accepts at most "
                        + webhook.rateLimit().requests() + " webhooks per " + webhook.rateLimit().per()
                        + "; retry after " + seconds + " s", seconds);
            }
        }
        refuseWhenBacklogFull();
        byte[] raw = readBody(request);
        if (webhook.secret() != null) {
            WebhookSignature.verify(request.getHeader(WebhookSignature.HEADER), raw, secret(slug, webhook.secret()), clock.instant());
        }
        ObjectNode trigger = NODES.objectNode();
        trigger.put("type", "webhook");
        trigger.set("body", WebhookBody.parse(raw, request.getContentType(), json));
        trigger.set("headers", headers(request));
        trigger.set("query", WebhookBody.form(request.getQueryString(), StandardCharsets.UTF_8));
        WebhookBody.requireStorable(trigger);

        TriggerEvent event = new TriggerEvent(trigger, "body:" + Sha256.hex(raw), request.getHeader("Idempotency-Key"));
        Ingestion.Accepted ingested;
        try {
            ingested = ingestion.accept(Ingestion.Target.of(recipe), event, claim);
        } catch (Ingestion.UnusableKey e) {
            throw new IngressException(HttpStatus.BAD_REQUEST, e.getMessage(), null, e.field());
        }

        if (webhook.syncResponse() && ingested.runId() != null) {
            Optional<RunRow> done = completions.await(ingested.runId(), webhook.respondTimeout());
            if (done.isPresent()) {
                return syncAnswer(done.get());
            }
        }
        ObjectNode accepted = NODES.objectNode();
        accepted.put("eventId", ingested.eventId().toString());
        accepted.put("runId", ingested.runId() == null ? null : ingested.runId().toString());
        accepted.put("duplicate", ingested.duplicate());
        return new Answer(HttpStatus.ACCEPTED.value(), accepted, false);
    }

    /**
     * Back-pressure ({@code braid.ingest.max-backlog}): past the bound the sender is told to come back when the
     * runs ahead of it should have been worked off, instead of its run joining a queue whose wait nobody bounds.
     */
    private void refuseWhenBacklogFull() {
        var refusal = backlog.refusal();
        if (refusal.isPresent()) {
            long seconds = refusal.getAsLong();
            throw new IngressException(HttpStatus.SERVICE_UNAVAILABLE, "About " + backlog.estimate()
                    + " runs are waiting to start, the most this server queues (braid.ingest.max-backlog = " + backlog.bound()
                    + "); nothing was accepted, send the webhook again in " + seconds + " s", seconds);
        }
    }

    private Answer syncAnswer(RunRow run) {
        if (run.status() == RunStatus.SUCCEEDED) {
            ObjectNode body = NODES.objectNode();
            body.put("runId", run.id().toString());
            body.put("status", run.status().wire());
            body.set("output", run.output() == null ? NODES.nullNode() : run.output());
            return new Answer(HttpStatus.OK.value(), body, false);
        }
        ObjectNode problem = problem(HttpStatus.BAD_GATEWAY, "Run " + run.status().wire(),
                "The run " + run.status().wire() + (run.error() == null ? "" : ": " + run.error().path("message").asString()));
        problem.put("runId", run.id().toString());
        problem.set("error", run.error());
        problem.put("runStatus", run.status().wire());
        return new Answer(HttpStatus.BAD_GATEWAY.value(), problem, true);
    }

    /** An RFC 9457 problem document. */
    static ObjectNode problem(HttpStatus status, String title, String detail) {
        ObjectNode problem = NODES.objectNode();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        return problem;
    }

    /**
     * The signing secret, rendered with the secret store's values. When it names a secret that does not
     * exist (or renders to nothing) the sender gets 401 without the secret's name — that is the
     * operator's to fix, and {@link TriggerTemplates} logs it naming the secret.
     */
    private String secret(String slug, String template) {
        String rendered;
        try {
            rendered = templates.text(slug, "trigger.webhook.secret", template);
        } catch (TriggerTemplates.MissingSecret e) {
            rendered = "";
        } catch (ExpressionException e) {
            log.warn("Recipe {}: its webhook secret template failed, so no webhook can be verified: {}", slug, e.getMessage());
            rendered = "";
        }
        if (rendered.isEmpty()) {
            throw new IngressException(HttpStatus.UNAUTHORIZED, "The recipe's webhook secret is not available; "
                    + "the webhook cannot be verified");
        }
        return rendered;
    }

    /**
     * The body size limit is {@link dev.braid.app.http.BodySizeLimitFilter}'s, as for every request: a
     * declared length above it never gets here, a longer chunked body throws while it is read.
     */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static ObjectNode headers(HttpServletRequest request) {
        ObjectNode out = NODES.objectNode();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (DROPPED_HEADERS.contains(lower)) {
                continue;
            }
            out.put(lower, String.join(", ", Collections.list(request.getHeaders(name))));
        }
        return out;
    }
}
