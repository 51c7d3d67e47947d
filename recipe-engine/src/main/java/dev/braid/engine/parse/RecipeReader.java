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
            "ordering", "index", "sla", "alerts", "retention", "timeout", "retry", "steps", "onError");

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

    /** Where the steps read start, by id, and where the trigger is written. */
    SourceLines lines() {
        Map<String, Integer> out = new LinkedHashMap<>();
        steps.starts().forEach((id, at) -> out.put(id, at.line()));
        return new SourceLines(out, problems.positions().ofKey("trigger").line());
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
        Recipe.Sla sla = sla(root.object("sla"));
        List<Recipe.Alert> alerts = alerts(root);
        Recipe.Retention retention = retention(root.object("retention"));
        Duration timeout = root.duration("timeout", false);
        RetrySpec retry = retries.read(root.object("retry"));
        List<Step> body = steps.list(root, "steps", true, true, "list what the recipe does, e.g. steps: [ { id: log, action: core.log, "
                + "with: { message: hello } } ]");
        Recipe.OnError onError = onError(root);

        return new Recipe(slug, name, description, enabled == null || enabled, trigger, body, retry, timeout, concurrency,
                onError, document, ordering, retention, sla, alerts, index);
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

    /** {@code retention: {history, summaries}}: each at least a minute, and details never kept longer than the run itself. */
    private Recipe.Retention retention(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("history", "summaries"));
        Duration history = f.duration("history", false);
        Duration summaries = f.duration("summaries", false);
        if (!f.has("history") && !f.has("summaries")) {
            f.missing("history", "say how long to keep step data and logs, e.g. retention: { history: 14d, summaries: 400d }");
        }
        for (var entry : new Object[][] {{"history", history}, {"summaries", summaries}}) {
            Duration d = (Duration) entry[1];
            if (d != null && d.compareTo(Duration.ofMinutes(1)) < 0) {
                f.problem((String) entry[0], "'" + entry[0] + "' is " + Durations.format(d) + "; keep it at least 1m, e.g. "
                        + entry[0] + ": 14d");
            }
        }
        if (history != null && summaries != null && history.compareTo(summaries) > 0) {
            f.problem("history", "'history' (" + Durations.format(history) + ") is longer than 'summaries' ("
                    + Durations.format(summaries) + "): a run's step data goes with its summary; make history at most summaries");
        }
        return new Recipe.Retention(history, summaries);
    }

    private Recipe.Sla sla(Fields f) {
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("maxLatency", "notify", "quiet"));
        Duration maxLatency = f.duration("maxLatency", false);
        if (!f.has("maxLatency")) {
            f.missing("maxLatency", "say how long a run may take from trigger to finish, e.g. sla: { maxLatency: 2s }");
        }
        Duration quiet = f.duration("quiet", false);
        String notify = notifyRecipe(f, "sla: { maxLatency: 2s, notify: { recipe: ops-alerts } }");
        if (quiet != null && notify == null) {
            f.problem("quiet", "'quiet' spaces out notifications, and this sla has no 'notify'; add notify: { recipe: ... }"
                    + " or remove quiet");
        }
        return maxLatency == null ? null : new Recipe.Sla(maxLatency, notify, quiet == null ? Recipe.Sla.DEFAULT_QUIET : quiet);
    }

    private static final List<String> ALERT_RULES = List.of("errorRate", "deadLetters", "silence");

    /** {@code alerts: [ {errorRate: {above, window} | deadLetters: {above} | silence: {for}, notify: {recipe}} ]}. */
    private List<Recipe.Alert> alerts(Fields root) {
        if (!root.has("alerts")) {
            return List.of();
        }
        var items = root.list("alerts");
        if (items == null) {
            return List.of();
        }
        List<Recipe.Alert> out = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = Positions.index(root.path("alerts"), i);
            if (!items.get(i).isObject()) {
                problems.atValue(path, "Each alert is a mapping with one of " + String.join(", ", ALERT_RULES)
                        + " and a notify, e.g. - { errorRate: { above: 0.05, window: 15m }, notify: { recipe: ops-alerts } }");
                continue;
            }
            Fields f = new Fields(items.get(i), path, problems, expressions);
            List<String> allowed = new java.util.ArrayList<>(ALERT_RULES);
            allowed.add("notify");
            f.allowOnly(allowed);
            List<String> rules = ALERT_RULES.stream().filter(f::has).toList();
            if (rules.size() != 1) {
                problems.atValue(path, "An alert has exactly one rule of " + String.join(", ", ALERT_RULES) + "; found "
                        + (rules.isEmpty() ? "none" : String.join(" and ", rules)) + " — write one alert per rule");
                continue;
            }
            String notify = notifyRecipe(f, "notify: { recipe: ops-alerts }");
            if (!f.has("notify")) {
                f.missing("notify", "say which recipe to start when the alert trips and clears, e.g. notify: { recipe: ops-alerts }");
            }
            Fields rule = f.object(rules.getFirst());
            if (rule == null || notify == null) {
                continue;
            }
            Recipe.Alert alert = switch (rules.getFirst()) {
                case "errorRate" -> {
                    rule.allowOnly(List.of("above", "window"));
                    Double above = rule.number("above", 0);
                    if (above != null && above >= 1) {
                        rule.problem("above", "'above' is the failed share of ended runs, between 0 and 1 (0.05 for 5 %); found "
                                + above);
                        above = null;
                    }
                    if (!rule.has("above")) {
                        rule.missing("above", "e.g. errorRate: { above: 0.05, window: 15m }");
                    }
                    Duration window = rule.duration("window", false);
                    yield above == null ? null : new Recipe.Alert(Recipe.Alert.Rule.ERROR_RATE, above,
                            window == null ? Duration.ofMinutes(15) : window, notify);
                }
                case "deadLetters" -> {
                    rule.allowOnly(List.of("above"));
                    Integer above = rule.integer("above", 0, Integer.MAX_VALUE);
                    if (!rule.has("above")) {
                        rule.missing("above", "e.g. deadLetters: { above: 10 }");
                    }
                    yield above == null ? null : new Recipe.Alert(Recipe.Alert.Rule.DEAD_LETTERS, above, null, notify);
                }
                default -> {
                    rule.allowOnly(List.of("for"));
                    Duration quietFor = rule.duration("for", false);
                    if (!rule.has("for")) {
                        rule.missing("for", "say how long without any run is wrong, e.g. silence: { for: 2h }");
                    }
                    yield quietFor == null ? null : new Recipe.Alert(Recipe.Alert.Rule.SILENCE, 0, quietFor, notify);
                }
            };
            if (alert != null) {
                out.add(alert);
            }
        }
        return out;
    }

    /** {@code notify: {recipe}} of {@code f}, its slug checked; null when absent or wrong (reported). */
    private String notifyRecipe(Fields f, String example) {
        Fields notify = f.object("notify");
        if (notify == null) {
            return null;
        }
        notify.allowOnly(List.of("recipe"));
        String recipe = notify.requiredText("recipe", "name the recipe to start, e.g. " + example);
        if (recipe != null && !SLUG.matcher(recipe).matches()) {
            notify.problem("recipe", "'" + recipe + "' is not a recipe slug; slugs are 1 to 64 lower-case letters, digits and '-'");
            return null;
        }
        return recipe;
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
