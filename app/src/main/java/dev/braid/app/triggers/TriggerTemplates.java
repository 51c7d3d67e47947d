package dev.braid.app.triggers;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.braid.app.connections.RunSecrets;
import dev.braid.app.secrets.Masker;
import dev.braid.app.secrets.SecretReferences;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place where templates inside trigger settings ({@code {{ }}} in a webhook's {@code secret},
 * a poll's {@code query} and {@code with}) are rendered, at the moment they are used. The context is
 * {@code { secrets, ...what the trigger adds (a poll's cursor) }}, with the real secrets of the secret
 * store as a run sees them ({@link RunSecrets}: a change made through the API is seen at once on this
 * node, within a second elsewhere). Every setting that names a secret which does not exist is refused
 * with {@link MissingSecret}, and logged once per recipe and setting naming the missing secrets — never
 * their values, which the returned {@link Masker} keeps out of what the caller logs.
 *
 * <pre>{@code
 * TriggerTemplates.Rendered r = templates.render("order-sync", "trigger.poll.with", with, Map.of("cursor", cursor));
 * action.execute(context(r.masker()), r.value());
 * }</pre>
 */
@Component
public class TriggerTemplates {

    private static final Logger log = LoggerFactory.getLogger(TriggerTemplates.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** {@code secrets.NAME}, {@code secrets.`NAME`} and {@code secrets['NAME']}: the forms a template names a secret by. */
    private final Expressions expressions;
    private final RunSecrets secrets;
    /** "slug setting names" already logged: a webhook refused a thousand times is one log line, not a thousand. */
    private final Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public TriggerTemplates(Expressions expressions, RunSecrets secrets) {
        this.expressions = expressions;
        this.secrets = secrets;
    }

    /** A rendered setting and the masker that knows the secret values it may contain. */
    public record Rendered(JsonNode value, Masker masker) {}

    /**
     * Renders {@code value} (any JSON; parts without {@code {{ }}} are copied) of recipe {@code slug}'s
     * setting {@code setting} (its path, e.g. {@code trigger.webhook.secret}) over {@code secrets} plus
     * {@code extra}.
     *
     * @throws MissingSecret when the value names a secret that does not exist
     * @throws ExpressionException when an expression fails on this context
     */
    public Rendered render(String slug, String setting, JsonNode value, Map<String, JsonNode> extra) {
        RunSecrets.Scope scope = secrets.open();
        Set<String> missing = missing(value, scope.secrets());
        if (!missing.isEmpty()) {
            MissingSecret problem = new MissingSecret(slug, setting, missing, scope.unreadable());
            if (reported.add(slug + " " + setting + " " + missing)) {
                log.warn(problem.getMessage());
            }
            throw problem;
        }
        reported.removeIf(k -> k.startsWith(slug + " " + setting + " "));
        ObjectNode context = NODES.objectNode();
        extra.forEach(context::set);
        context.set("secrets", scope.secrets());
        return new Rendered(expressions.render(value, context), scope.masker());
    }

    /** As {@link #render} for a text setting: the rendered text, empty when it renders to nothing. */
    public String text(String slug, String setting, String template) {
        JsonNode rendered = render(slug, setting, NODES.stringNode(template), Map.of()).value();
        return rendered == null || rendered.isNull() || rendered.isMissingNode() ? ""
                : rendered.isString() ? rendered.asString() : rendered.toString();
    }

    /** The secrets {@code value}'s templates name that {@code known} lacks, in order of appearance. */
    static Set<String> missing(JsonNode value, JsonNode known) {
        Set<String> missing = new LinkedHashSet<>(SecretReferences.in(value));
        missing.removeIf(known::has);
        return missing;
    }

    /**
     * A trigger setting names a secret that does not exist. The message names the secrets — it is for
     * the operator's log and problem lists; a webhook sender is told less.
     */
    public static final class MissingSecret extends RuntimeException {
        private final Set<String> names;

        MissingSecret(String slug, String setting, Set<String> names, Set<String> unreadable) {
            super("Recipe " + slug + ": " + setting + " names the secret" + (names.size() == 1 ? " " : "s ")
                    + String.join(", ", names) + (unreadable.containsAll(names)
                            ? ", which this node's master key cannot open: every node needs the same BRAID_MASTER_KEY"
                            : ", which " + (names.size() == 1 ? "does" : "do") + " not exist; create it with POST /api/v1/secrets"));
            this.names = Set.copyOf(names);
        }

        public Set<String> names() {
            return names;
        }
    }
}
