package dev.braid.app.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.braid.app.queue.RunCompletions;
import dev.braid.app.queue.RunWorker;
import dev.braid.app.store.ConcurrencySlots;
import dev.braid.app.store.EventStore;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.store.RunRow;
import dev.braid.app.triggers.TriggerTemplates;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /hooks/{slug}} (DESIGN §3, §4): checks the recipe, signature and rate limit, reads the
 * body, works out the idempotency key and stores the event with its run in one statement before
 * answering — 202 with the run id, the first answer again for a duplicate, or in sync mode the run's
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
    private final EventStore events;
    private final RunCompletions completions;
    private final RunWorker worker;
    private final ConcurrencySlots slots;
    private final Expressions expressions;
    private final WebhookRateLimits rateLimits;
    private final TriggerTemplates templates;
    private final JsonMapper json;
    private final Clock clock;

    public WebhookIngress(RecipeCatalog catalog, EventStore events, RunCompletions completions, RunWorker worker,
                          ConcurrencySlots slots, Expressions expressions, WebhookRateLimits rateLimits,
                          TriggerTemplates templates, JsonMapper json, Clock clock) {
        this.catalog = catalog;
        this.events = events;
        this.completions = completions;
        this.worker = worker;
        this.slots = slots;
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

        String key = idempotencyKey(webhook, trigger, request, raw);
        Instant expires = clock.instant().plus(webhook.dedupeWindow());
        EventStore.Ingested ingested = ingest(recipe, key, expires, trigger);

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
     * With spare capacity here the run is inserted already leased to this node and started at once:
     * no NOTIFY, no claim query, and the run row is committed before anything executes. A run of a
     * recipe with a concurrency limit is always queued.
     */
    private EventStore.Ingested ingest(RecipeCatalog.Current recipe, String key, Instant expires, ObjectNode trigger) {
        String slug = recipe.slug();
        int version = recipe.version();
        // A run with a concurrency limit is only ever claimed under its slot group's lock: never pre-leased.
        ConcurrencySlots.Slot slot = slots.of(recipe.recipe(), trigger).orElse(null);
        if (slot != null || !worker.tryReserve()) {
            return events.ingest(slug, version, key, expires, trigger, slot, null, null);
        }
        EventStore.Ingested ingested;
        try {
            ingested = events.ingest(slug, version, key, expires, trigger, null, worker.nodeId(), worker.lease());
        } catch (RuntimeException e) {
            worker.cancelReservation();
            throw e;
        }
        if (ingested.duplicate()) {
            worker.cancelReservation();
        } else {
            Instant now = clock.instant();
            worker.runReserved(new RunRow(ingested.runId(), slug, version, "running", "trigger", null,
                    ingested.eventId(), trigger, 1, now, worker.nodeId(), null, now, now, null, null, null, null));
        }
        return ingested;
    }

    private Answer syncAnswer(RunRow run) {
        if ("succeeded".equals(run.status())) {
            ObjectNode body = NODES.objectNode();
            body.put("runId", run.id().toString());
            body.put("status", run.status());
            body.set("output", run.output() == null ? NODES.nullNode() : run.output());
            return new Answer(HttpStatus.OK.value(), body, false);
        }
        ObjectNode problem = problem(HttpStatus.BAD_GATEWAY, "Run " + run.status(),
                "The run " + run.status() + (run.error() == null ? "" : ": " + run.error().path("message").asString()));
        problem.put("runId", run.id().toString());
        problem.set("error", run.error());
        problem.put("runStatus", run.status());
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
     * In order (DESIGN §3): the recipe's expression, the {@code Idempotency-Key} header, else a hash
     * of the body. The prefixes keep the three kinds from colliding.
     */
    private String idempotencyKey(TriggerSettings.Webhook webhook, ObjectNode trigger, HttpServletRequest request, byte[] raw) {
        if (webhook.idempotencyKey() != null) {
            JsonNode value;
            try {
                value = expressions.evaluate(webhook.idempotencyKey(), NODES.objectNode().set("trigger", trigger));
            } catch (ExpressionException e) {
                throw new IngressException(HttpStatus.BAD_REQUEST, "The recipe's idempotencyKey expression failed on this webhook: "
                        + e.getMessage());
            }
            if (!value.isMissingNode() && !value.isNull()) {
                return "key:" + (value.isString() ? value.asString() : json.writeValueAsString(value));
            }
        }
        String header = request.getHeader("Idempotency-Key");
        if (header != null && !header.isBlank()) {
            return "header:" + header.strip();
        }
        return "body:" + sha256(raw);
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
     * The body size limit is {@link dev.braid.app.api.BodySizeLimitFilter}'s, as for every request: a
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

    private static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
