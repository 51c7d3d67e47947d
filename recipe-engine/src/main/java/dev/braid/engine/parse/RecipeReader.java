package dev.braid.engine.parse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.model.Durations;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.RetrySpec;
import dev.braid.engine.model.Step;
import dev.braid.engine.model.Trigger;
import tools.jackson.databind.JsonNode;

/** Reads and checks a recipe document's top level (ARCHITECTURE §2); one instance reads one document. */
final class RecipeReader {

    static final Pattern SLUG = Pattern.compile("[a-z0-9-]{1,64}");
    static final int MAX_NAME_LENGTH = 200;
    /** A business key's name: what follows {@code key.} in a search ({@code GET /api/v1/runs?key.orderId=...}). */
    static final Pattern INDEX_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

    private static final List<String> ROOT = List.of("slug", "name", "description", "enabled", "trigger", "concurrency",
            "ordering", "index", "sla", "timeout", "retry", "steps", "onError");

    private final Problems problems;
    private final Expressions expressions;
    private final TriggerReader triggers;
    private final StepReader steps;
    private final RetryReader retries = new RetryReader();

    RecipeReader(Problems problems, Expressions expressions, Actions actions, ConnectionTypes connections) {
        this.problems = problems;
        this.expressions = expressions;
        this.triggers = new TriggerReader(problems, expressions, actions, connections);
        this.steps = new StepReader(problems, expressions, actions, retries, connections);
    }

    /** The recipe; meaningful only when {@code problems} stayed empty. */
    Recipe read(JsonNode document) {
        if (!document.isObject()) {
            problems.atValue("", "A recipe is a mapping of fields (slug, name, trigger, steps, ...); found " + Fields.found(document));
            return null;
        }
        Fields root = new Fields(document, "", problems, expressions);
        root.allowOnly(ROOT);

        String slug = root.requiredText("slug", "give the recipe a slug of lower-case letters, digits and '-', e.g. slug: order-sync");
        if (slug != null && !SLUG.matcher(slug).matches()) {
            root.problem("slug", "Slug '" + slug + "' is not valid; use 1 to 64 lower-case letters, digits and '-', e.g. order-sync");
        }
        String name = root.requiredText("name", "give the recipe a name people read, e.g. name: Sync new orders to the CRM");
        if (name != null && name.length() > MAX_NAME_LENGTH) {
            root.problem("name", "'name' is " + name.length() + " characters long; keep it to " + MAX_NAME_LENGTH
                    + " and put the rest in 'description'");
        }
        String description = root.text("description");
        Boolean enabled = root.bool("enabled");
        Trigger trigger = triggers.read(root);
        Recipe.Concurrency concurrency = concurrency(root.object("concurrency"));
        Recipe.Ordering ordering = ordering(root.object("ordering"));
        Map<String, String> index = index(root.object("index"));
        sla(root.object("sla"));
        Duration timeout = root.duration("timeout", false);
        RetrySpec retry = retries.read(root.object("retry"));
        List<Step> body = steps.list(root, "steps", true, true, "list what the recipe does, e.g. steps: [ { id: log, action: core.log, "
                + "with: { message: hello } } ]");
        Recipe.OnError onError = onError(root);

        return new Recipe(slug, name, description, enabled == null || enabled, trigger, body, retry, timeout, concurrency,
                onError, document, ordering, index);
    }

    /**
     * {@code index: {orderId: "trigger.body.id"}}: business keys, at most {@value Recipe#MAX_INDEX_KEYS} names of
     * {@link #INDEX_NAME}, each a bare expression checked here.
     */
    private Map<String, String> index(Fields f) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (f == null) {
            return keys;
        }
        List<String> names = new ArrayList<>();
        f.node().propertyNames().forEach(names::add);
        if (names.isEmpty()) {
            problems.atValue(f.path(), "'index' names no key; give each business key a name and an expression, "
                    + "e.g. index: { orderId: \"trigger.body.id\" }");
        }
        if (names.size() > Recipe.MAX_INDEX_KEYS) {
            f.problemAtKey(names.get(Recipe.MAX_INDEX_KEYS), "'index' has " + names.size() + " keys; a recipe may index at most "
                    + Recipe.MAX_INDEX_KEYS + " (" + String.join(", ", names) + "): keep the ones people search runs by");
        }
        for (String name : names) {
            if (!INDEX_NAME.matcher(name).matches()) {
                f.problemAtKey(name, "Business key name '" + name + "' is not valid; start with a letter, then up to 39 letters,"
                        + " digits or '_', e.g. orderId");
                continue;
            }
            if (!f.has(name)) {
                f.problem(name, "'" + name + "' needs an expression that gives its value, e.g. " + name + ": \"trigger.body.id\"");
                continue;
            }
            String expression = f.expression(name);
            if (expression != null) {
                keys.put(name, expression);
            }
        }
        return keys;
    }

    /** {@code ordering: {key}}: the key is required — without one, ordering would be one queue for the whole recipe. */
    private Recipe.Ordering ordering(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("key"));
        String key = f.expression("key");
        if (!f.has("key")) {
            f.missing("key", "say which runs must keep their order, e.g. ordering: { key: \"trigger.body.customerId\" }");
        }
        return key == null ? null : new Recipe.Ordering(key);
    }

    private Recipe.Concurrency concurrency(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("limit", "key"));
        Integer limit = f.integer("limit", 1, Integer.MAX_VALUE);
        if (!f.has("limit")) {
            f.missing("limit", "say how many runs may go at once, e.g. concurrency: { limit: 10 }");
        }
        String key = f.expression("key");
        return limit == null ? null : new Recipe.Concurrency(limit, key);
    }

    private void sla(Fields f) {
        if (f == null) {
            return;
        }
        f.allowOnly(List.of("maxLatency"));
        f.duration("maxLatency", false);
        if (!f.has("maxLatency")) {
            f.missing("maxLatency", "say how long a run may take from trigger to finish, e.g. sla: { maxLatency: 2s }");
        }
    }

    private Recipe.OnError onError(Fields root) {
        JsonNode value = root.get("onError");
        if (value == null) {
            return Recipe.OnError.DEFAULT;
        }
        if (!value.isObject()) {
            String hint = value.isString() && List.of("continue", "fail").contains(value.asString())
                    ? "; 'onError: " + value.asString() + "' belongs on a step" : "";
            root.problem("onError", "The recipe's 'onError' must be a mapping { deadLetter, notify }; found " + Fields.found(value) + hint);
            return Recipe.OnError.DEFAULT;
        }
        Fields f = root.object("onError");
        f.allowOnly(List.of("deadLetter", "notify"));
        Boolean deadLetter = f.bool("deadLetter");
        String notifyRecipe = null;
        Fields notify = f.object("notify");
        if (notify != null) {
            notify.allowOnly(List.of("recipe"));
            notifyRecipe = notify.requiredText("recipe", "name the recipe to start with the failure, e.g. notify: { recipe: ops-alerts }");
            if (notifyRecipe != null && !SLUG.matcher(notifyRecipe).matches()) {
                notify.problem("recipe", "'" + notifyRecipe + "' is not a recipe slug; slugs are 1 to 64 lower-case letters, digits and '-'");
            }
        }
        return new Recipe.OnError(deadLetter == null || deadLetter, notifyRecipe);
    }

    /** {@code retry: {maxAttempts, initialDelay, multiplier, maxDelay, jitter}} on the recipe or on a step. */
    static final class RetryReader {

        RetrySpec read(Fields f) {
            if (f == null) {
                return RetrySpec.NONE;
            }
            f.allowOnly(List.of("maxAttempts", "initialDelay", "multiplier", "maxDelay", "jitter"));
            Integer maxAttempts = f.integer("maxAttempts", 1, Integer.MAX_VALUE);
            Duration initialDelay = f.duration("initialDelay", true);
            Double multiplier = f.number("multiplier", 1);
            Duration maxDelay = f.duration("maxDelay", false);
            Double jitter = f.number("jitter", 0);
            if (jitter != null && jitter > 1) {
                f.problem("jitter", "'jitter' is the share of each delay that may be taken off at random, from 0 to 1; found "
                        + jitter + " (0 turns jitter off)");
            }
            if (initialDelay != null && maxDelay != null && maxDelay.compareTo(initialDelay) < 0) {
                f.problem("maxDelay", "'maxDelay' (" + Durations.format(maxDelay) + ") is shorter than 'initialDelay' ("
                        + Durations.format(initialDelay) + "); make it at least as long");
            }
            return new RetrySpec(maxAttempts, initialDelay, multiplier, maxDelay, jitter);
        }
    }
}
