package dev.braid.app.promotion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.braid.app.connections.ConnectionStore;
import dev.braid.app.connections.Connections;
import dev.braid.app.refusal.Invalid;
import dev.braid.app.refusal.NotFound;
import dev.braid.app.secrets.SecretStore;
import dev.braid.app.store.RecipeStore;
import dev.braid.app.store.StoredRecipe;
import dev.braid.engine.model.Recipe;
import dev.braid.engine.model.Step;
import dev.braid.engine.model.TriggerSettings;
import dev.braid.engine.parse.ConnectionTypes;
import dev.braid.engine.parse.RecipeParser;
import dev.braid.engine.parse.RecipeValidationException;
import dev.braid.engine.parse.SourceFormat;
import dev.braid.engine.parse.ValidationError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bundles for moving recipes between environments (ARCHITECTURE §12). An export holds the current version of each
 * recipe asked for (its source as written), the connections those recipes name with their public settings and
 * the names of their secret fields — never a secret value — and the standalone secrets they read. An import
 * checks every recipe against the target's connections plus the bundle's, then either previews what would change
 * (new, changed, unchanged; the secrets the target must provide) or applies it in one transaction: all or
 * nothing, new versions only where the definition changed. A connection in a bundle may carry secret values an
 * operator filled in; otherwise an existing connection keeps its own.
 */
@Component
public class Promotion {

    public static final String FORMAT = "braid-bundle/1";
    private static final Pattern SECRET_USE = Pattern.compile("secrets\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_]*)"
            + "|secrets\\s*\\[\\s*['\"]([^'\"]+)['\"]\\s*]");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RecipeStore recipes;
    private final RecipeSaving saving;
    private final RecipeParser parser;
    private final ConnectionTypes connectionTypes;
    private final Connections connections;
    private final ConnectionStore connectionStore;
    private final SecretStore secrets;
    private final TransactionTemplate transaction;

    public Promotion(RecipeStore recipes, RecipeSaving saving, RecipeParser parser, ConnectionTypes connectionTypes,
                     Connections connections, ConnectionStore connectionStore, SecretStore secrets,
                     PlatformTransactionManager transactions) {
        this.recipes = recipes;
        this.saving = saving;
        this.parser = parser;
        this.connectionTypes = connectionTypes;
        this.connections = connections;
        this.connectionStore = connectionStore;
        this.secrets = secrets;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** The bundle of {@code slugs} (every recipe when empty). */
    public ObjectNode export(List<String> slugs) {
        List<StoredRecipe> chosen = new ArrayList<>();
        if (slugs.isEmpty()) {
            String after = null;
            List<StoredRecipe> page;
            while (!(page = recipes.list(after, 500)).isEmpty()) {
                chosen.addAll(page);
                after = page.getLast().slug();
            }
        } else {
            for (String slug : new LinkedHashSet<>(slugs)) {
                chosen.add(recipes.find(slug).orElseThrow(() -> new NotFound("No recipe '" + slug + "' exists; export "
                        + "names recipes by slug, e.g. ?recipes=order-sync,ops-alerts")));
            }
        }
        ObjectNode bundle = NODES.objectNode().put("format", FORMAT);
        ArrayNode items = bundle.putArray("recipes");
        Set<String> usedConnections = new TreeSet<>();
        Set<String> usedSecrets = new TreeSet<>();
        for (StoredRecipe r : chosen) {
            SourceFormat format = "json".equals(r.sourceFormat()) ? SourceFormat.JSON : SourceFormat.YAML;
            items.addObject().put("slug", r.slug()).put("version", r.currentVersion()).put("enabled", r.enabled())
                    .put("format", format == SourceFormat.JSON ? "json" : "yaml").put("source", r.source());
            usedConnections.addAll(connectionsOf(parser.parse(r.source(), format)));
            usedSecrets.addAll(secretsIn(r.source()));
        }
        ArrayNode conns = bundle.putArray("connections");
        for (String name : usedConnections) {
            connectionStore.find(name).ifPresent(c -> {
                ObjectNode item = conns.addObject().put("name", c.name()).put("connector", c.connector());
                item.set("settings", c.settings());
                ArrayNode fields = item.putArray("secretFields");
                c.secrets().propertyNames().stream().sorted().forEach(fields::add);
            });
        }
        ArrayNode names = bundle.putArray("secrets");
        usedSecrets.forEach(names::add);
        return bundle;
    }

    /** What importing {@code bundle} changes: with {@code apply}, done in one transaction; else only said. */
    public ObjectNode importBundle(JsonNode bundle, boolean apply, String by) {
        Parsed parsed = parse(bundle);
        ObjectNode plan = NODES.objectNode().put("preview", !apply).put("applied", false);
        ArrayNode recipeItems = plan.putArray("recipes");
        ArrayNode connectionItems = plan.putArray("connections");
        ArrayNode toProvide = plan.putArray("secretsToProvide");
        for (BundleConnection c : parsed.connections()) {
            Optional<ConnectionStore.Stored> existing = connectionStore.find(c.name());
            Connections.Split split = connections.split(c.connector(), c.settings());
            String change = existing.isEmpty() ? "new"
                    : existing.get().connector().equals(c.connector()) && existing.get().settings().equals(split.publicPart())
                      && split.secrets().isEmpty() ? "unchanged" : "changed";
            connectionItems.addObject().put("name", c.name()).put("connector", c.connector()).put("change", change);
            for (String field : c.secretFields()) {
                boolean given = split.secrets().has(field);
                boolean kept = existing.isPresent() && existing.get().connector().equals(c.connector())
                        && existing.get().secrets().has(field);
                if (!given && !kept) {
                    toProvide.addObject().put("connection", c.name()).put("field", field)
                            .put("how", "PUT /api/v1/connections/" + c.name() + " with settings." + field
                                    + ", or give it in the bundle's settings before importing");
                }
            }
        }
        Set<String> wantedSecrets = new TreeSet<>(parsed.secrets());
        parsed.recipes().forEach(r -> wantedSecrets.addAll(secretsIn(r.source())));
        for (String name : wantedSecrets) {
            if (secrets.find(name).isEmpty()) {
                toProvide.addObject().put("secret", name)
                        .put("how", "POST /api/v1/secrets {\"name\": \"" + name + "\", \"value\": …}");
            }
        }
        for (ParsedRecipe r : parsed.recipes()) {
            recipeItems.addObject().put("slug", r.recipe().slug()).put("change", saving.changeOf(r.recipe()).wire());
        }
        if (!apply) {
            return plan;
        }
        transaction.executeWithoutResult(tx -> {
            for (BundleConnection c : parsed.connections()) {
                connections.save(c.name(), c.connector(), c.settings());
            }
            int i = 0;
            for (ParsedRecipe r : parsed.recipes()) {
                RecipeSaving.Saved saved = saving.save(r.recipe(), r.source(), r.format(), by);
                ((ObjectNode) recipeItems.get(i++)).put("version", saved.version());
            }
        });
        plan.put("applied", true);
        return plan;
    }

    private record BundleConnection(String name, String connector, JsonNode settings, List<String> secretFields) {}

    private record ParsedRecipe(Recipe recipe, String source, SourceFormat format) {}

    private record Parsed(List<ParsedRecipe> recipes, List<BundleConnection> connections, List<String> secrets) {}

    /** Reads and checks the whole bundle: every problem of every recipe at once, by recipe, path and line. */
    private Parsed parse(JsonNode bundle) {
        List<Map<String, Object>> errors = new ArrayList<>();
        if (bundle == null || !bundle.isObject()) {
            throw problem("The bundle must be an object with recipes, connections and secrets (as GET /api/v1/export "
                    + "answers)", List.of(Map.of("path", "", "message", "expected an object")));
        }
        List<BundleConnection> conns = new ArrayList<>();
        Map<String, String> bundleTypes = new LinkedHashMap<>();
        JsonNode cs = bundle.path("connections");
        for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            String name = c.path("name").asString(null);
            String connector = c.path("connector").asString(null);
            if (name == null || connector == null) {
                errors.add(Map.of("path", "connections[" + i + "]", "message", "a connection needs a name and a connector"));
                continue;
            }
            List<String> fields = new ArrayList<>();
            c.path("secretFields").forEach(f -> fields.add(f.asString()));
            conns.add(new BundleConnection(name, connector, c.path("settings").isObject() ? c.get("settings") : NODES.objectNode(),
                    fields));
            bundleTypes.put(name, connector);
        }
        ConnectionTypes types = new ConnectionTypes() {
            @Override
            public Optional<String> connectorOf(String name) {
                return bundleTypes.containsKey(name) ? Optional.of(bundleTypes.get(name)) : connectionTypes.connectorOf(name);
            }

            @Override
            public Optional<String> settingOf(String name, String setting) {
                for (BundleConnection c : conns) {
                    if (c.name().equals(name)) {
                        JsonNode v = c.settings().get(setting);
                        return v != null && v.isString() ? Optional.of(v.asString()) : Optional.empty();
                    }
                }
                return connectionTypes.settingOf(name, setting);
            }

            @Override
            public Optional<JsonNode> settingsOf(String name) {
                for (BundleConnection c : conns) {
                    if (c.name().equals(name)) {
                        return Optional.of(c.settings());
                    }
                }
                return connectionTypes.settingsOf(name);
            }

            @Override
            public Optional<String> defaultConnectionProblem(String connector) {
                return connectionTypes.defaultConnectionProblem(connector);
            }
        };
        List<ParsedRecipe> parsedRecipes = new ArrayList<>();
        Set<String> slugs = new LinkedHashSet<>();
        JsonNode rs = bundle.path("recipes");
        if (!rs.isArray() || rs.isEmpty()) {
            errors.add(Map.of("path", "recipes", "message", "the bundle holds no recipes; export some with GET /api/v1/export"));
        }
        for (int i = 0; i < rs.size(); i++) {
            JsonNode r = rs.get(i);
            String at = "recipes[" + i + "]";
            String source = r.path("source").asString(null);
            if (source == null) {
                errors.add(Map.of("path", at + ".source", "message", "each recipe carries its source text"));
                continue;
            }
            SourceFormat format = "json".equals(r.path("format").asString("yaml")) ? SourceFormat.JSON : SourceFormat.YAML;
            try {
                Recipe recipe = parser.parse(source, format, types);
                if (!slugs.add(recipe.slug())) {
                    errors.add(Map.of("path", at, "message", "recipe '" + recipe.slug() + "' is in the bundle twice"));
                }
                parsedRecipes.add(new ParsedRecipe(recipe, source, format));
            } catch (RecipeValidationException e) {
                String slug = r.path("slug").asString("?");
                for (ValidationError v : e.errors()) {
                    errors.add(Map.of("path", at + ".source:" + v.path(), "recipe", slug, "line", v.line(),
                            "column", v.column(), "message", v.message()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw problem("The bundle cannot be imported (" + errors.size() + " problem(s)); nothing was changed", errors);
        }
        List<String> names = new ArrayList<>();
        bundle.path("secrets").forEach(s -> names.add(s.asString()));
        return new Parsed(parsedRecipes, conns, names);
    }

    private static Invalid problem(String detail, List<?> errors) {
        return Invalid.errors(detail, errors);
    }

    /** The connections a recipe names (its trigger's and its steps'). */
    static Set<String> connectionsOf(Recipe recipe) {
        Set<String> out = new TreeSet<>();
        switch (recipe.trigger().settings()) {
            case TriggerSettings.Kafka k when k.connection() != null -> out.add(k.connection());
            case TriggerSettings.Cdc c when c.connection() != null -> out.add(c.connection());
            case TriggerSettings.Poll p when p.connection() != null -> out.add(p.connection());
            default -> { }
        }
        collect(recipe.steps(), out);
        return out;
    }

    private static void collect(List<Step> steps, Set<String> out) {
        for (Step step : steps) {
            switch (step) {
                case Step.ActionStep a when a.connection() != null -> out.add(a.connection());
                case Step.IfStep s -> {
                    collect(s.then(), out);
                    collect(s.otherwise(), out);
                }
                case Step.ForeachStep f -> collect(f.steps(), out);
                default -> { }
            }
        }
    }

    /** The standalone secrets a recipe's text reads ({@code secrets.NAME}, {@code secrets['NAME']}). */
    static Set<String> secretsIn(String source) {
        Set<String> out = new TreeSet<>();
        Matcher m = SECRET_USE.matcher(source == null ? "" : source);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }
}
