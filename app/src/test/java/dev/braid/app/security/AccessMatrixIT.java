package dev.braid.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.EventStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * The role × endpoint matrix of issue 7, over real HTTP: for every endpoint under {@code /api}, no
 * credentials → 401, each role without the right → 403, the least privileged role with it → 2xx on a
 * real request. The matrix is checked against the server's own request mappings, so an endpoint added
 * without a row here fails this test.
 */
class AccessMatrixIT extends BraidIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(AccessMatrixIT.class);
    private static final String PASSWORD = "matrix-password-1";
    private static final Set<Role> ALL = EnumSet.allOf(Role.class);
    private static final Set<Role> ADMIN = EnumSet.of(Role.ADMIN);
    private static final Set<Role> BUILD = EnumSet.of(Role.ADMIN, Role.BUILDER);
    private static final Set<Role> OPERATE = EnumSet.of(Role.ADMIN, Role.OPERATOR);
    private static final Set<Role> SWITCH = EnumSet.of(Role.ADMIN, Role.BUILDER, Role.OPERATOR);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    final Map<Role, ApiClient> as = new EnumMap<>(Role.class);

    record Call(String path, String body) {}

    record Row(String method, String pattern, Set<Role> allowed, Function<Role, Call> call) {}

    @BeforeEach
    void users() {
        for (Role role : Role.values()) {
            String name = "matrix-" + role.wire();
            ApiClient.Response created = api.postJson("/api/v1/users",
                    Map.of("username", name, "password", PASSWORD, "roles", List.of(role.wire())));
            assertThat(created.status()).as(created.body()).isIn(201, 409);
            as.put(role, ApiClient.user(port, name, PASSWORD));
        }
    }

    @Test
    void everyEndpointAnswers401WithoutCredentials403WithoutTheRoleAnd2xxWithIt() {
        String slug = recipe();
        String runId = webhookRun(slug);
        String deadLetter = failedRun()[1];
        String scheduled = scheduledRecipe();
        List<Row> rows = List.of(
                row("GET", "/api/v1/recipes", ALL, r -> path("/api/v1/recipes")),
                row("POST", "/api/v1/recipes", BUILD, r -> new Call("/api/v1/recipes", recipeJson(next("m-new")))),
                row("GET", "/api/v1/recipes/{slug}", ALL, r -> path("/api/v1/recipes/" + slug)),
                row("PUT", "/api/v1/recipes/{slug}", BUILD, r -> new Call("/api/v1/recipes/" + slug, recipeJson(slug))),
                row("DELETE", "/api/v1/recipes/{slug}", BUILD, r -> path("/api/v1/recipes/" + recipe())),
                row("POST", "/api/v1/recipes/{slug}/enable", SWITCH, r -> new Call("/api/v1/recipes/" + slug + "/enable", null)),
                row("POST", "/api/v1/recipes/{slug}/disable", SWITCH, r -> new Call("/api/v1/recipes/" + recipe() + "/disable", null)),
                row("GET", "/api/v1/recipes/{slug}/versions", ALL, r -> path("/api/v1/recipes/" + slug + "/versions")),
                row("GET", "/api/v1/recipes/{slug}/versions/{version}", ALL, r -> path("/api/v1/recipes/" + slug + "/versions/1")),
                row("POST", "/api/v1/recipes/{slug}/versions/{version}/restore", BUILD,
                        r -> new Call("/api/v1/recipes/" + slug + "/versions/1/restore", null)),
                row("POST", "/api/v1/recipes/test", BUILD, r -> new Call("/api/v1/recipes/test",
                        "{\"recipe\": " + recipeJson("m-unsaved") + ", \"trigger\": {\"body\": {}}}")),
                row("POST", "/api/v1/recipes/{slug}/test", BUILD, r -> new Call("/api/v1/recipes/" + slug + "/test", "{}")),
                row("POST", "/api/v1/recipes/{slug}/runs", OPERATE, r -> new Call("/api/v1/recipes/" + slug + "/runs", "{}")),
                row("POST", "/api/v1/recipes/{slug}/replay", OPERATE, r -> new Call("/api/v1/recipes/" + slug + "/replay",
                        "{\"from\": \"" + Instant.now().minusSeconds(600) + "\", \"to\": \"" + Instant.now().plusSeconds(60) + "\"}")),
                row("POST", "/api/v1/recipes/{slug}/backfill", OPERATE, r -> new Call("/api/v1/recipes/" + scheduled + "/backfill",
                        "{\"from\": \"2026-11-20T00:00:00Z\", \"to\": \"2026-11-22T00:00:00Z\", \"preview\": true}")),
                row("GET", "/api/v1/runs", ALL, r -> path("/api/v1/runs")),
                row("GET", "/api/v1/runs/{id}", ALL, r -> path("/api/v1/runs/" + runId)),
                row("GET", "/api/v1/runs/{id}/logs", ALL, r -> path("/api/v1/runs/" + runId + "/logs")),
                row("POST", "/api/v1/runs/{id}/retry", OPERATE, r -> new Call("/api/v1/runs/" + failedRun()[0] + "/retry", null)),
                row("POST", "/api/v1/runs/{id}/cancel", OPERATE, r -> new Call("/api/v1/runs/" + waitingRun() + "/cancel", null)),
                row("GET", "/api/v1/dead-letters", ALL, r -> path("/api/v1/dead-letters")),
                row("GET", "/api/v1/dead-letters/{id}", ALL, r -> path("/api/v1/dead-letters/" + deadLetter)),
                row("POST", "/api/v1/dead-letters/{id}/replay", OPERATE,
                        r -> new Call("/api/v1/dead-letters/" + failedRun()[1] + "/replay", "{}")),
                row("POST", "/api/v1/dead-letters/replay", OPERATE, r -> new Call("/api/v1/dead-letters/replay",
                        "{\"filter\": {\"recipe\": \"m-none\"}}")),
                row("DELETE", "/api/v1/dead-letters/{id}", OPERATE, r -> path("/api/v1/dead-letters/" + failedRun()[1])),
                row("GET", "/api/v1/connections", ALL, r -> path("/api/v1/connections")),
                row("GET", "/api/v1/connections/{name}", ALL, r -> path("/api/v1/connections/" + connection())),
                row("POST", "/api/v1/connections", BUILD, r -> new Call("/api/v1/connections", connectionJson(next("m-conn")))),
                row("PUT", "/api/v1/connections/{name}", BUILD, r -> {
                    String name = connection();
                    return new Call("/api/v1/connections/" + name, connectionJson(name));
                }),
                row("DELETE", "/api/v1/connections/{name}", BUILD, r -> path("/api/v1/connections/" + connection())),
                row("GET", "/api/v1/secrets", ALL, r -> path("/api/v1/secrets")),
                row("GET", "/api/v1/secrets/{name}", ALL, r -> path("/api/v1/secrets/" + secret())),
                row("POST", "/api/v1/secrets", BUILD, r -> new Call("/api/v1/secrets",
                        "{\"name\": \"" + next("M_SECRET").replace('-', '_') + "\", \"value\": \"s3cret\"}")),
                row("DELETE", "/api/v1/secrets/{name}", BUILD, r -> path("/api/v1/secrets/" + secret())),
                row("GET", "/api/v1/connectors", ALL, r -> path("/api/v1/connectors")),
                row("GET", "/api/v1/users", ADMIN, r -> path("/api/v1/users")),
                row("GET", "/api/v1/users/{username}", ADMIN, r -> path("/api/v1/users/matrix-viewer")),
                row("POST", "/api/v1/users", ADMIN, r -> new Call("/api/v1/users",
                        "{\"username\": \"" + next("m-user") + "\", \"password\": \"" + PASSWORD + "\", \"roles\": [\"viewer\"]}")),
                row("PUT", "/api/v1/users/{username}", ADMIN, r -> new Call("/api/v1/users/" + user(), "{\"roles\": [\"operator\"]}")),
                row("DELETE", "/api/v1/users/{username}", ADMIN, r -> path("/api/v1/users/" + user())),
                row("POST", "/api/v1/tokens", ALL, r -> new Call("/api/v1/tokens", "{\"name\": \"matrix\"}")),
                row("GET", "/api/v1/tokens", ALL, r -> path("/api/v1/tokens")),
                row("DELETE", "/api/v1/tokens/{id}", ALL, r -> path("/api/v1/tokens/" + token(r))),
                row("GET", "/api/v1/audit", OPERATE, r -> path("/api/v1/audit")),
                row("GET", "/api/v1/stats", ALL, r -> path("/api/v1/stats?window=1h")),
                row("GET", "/api/v1/triggers", ALL, r -> path("/api/v1/triggers")),
                row("GET", "/api/v1/cluster", ALL, r -> path("/api/v1/cluster")),
                row("GET", "/api/v1/export", ALL, r -> path("/api/v1/export?recipes=" + slug)),
                row("POST", "/api/v1/import", ADMIN, r -> new Call("/api/v1/import?preview=true",
                        api.get("/api/v1/export?recipes=" + slug, "application/json").body())),
                row("GET", "/api/v1/jobs", ALL, r -> path("/api/v1/jobs")),
                row("POST", "/api/v1/jobs", OPERATE, r -> new Call("/api/v1/jobs",
                        "{\"action\": \"dead-letters.discard\", \"ids\": [\"" + failedRun()[1] + "\"]}")),
                row("GET", "/api/v1/jobs/{id}", ALL, r -> path("/api/v1/jobs/" + job())),
                row("GET", "/api/v1/jobs/{id}/items", ALL, r -> path("/api/v1/jobs/" + job() + "/items")),
                row("GET", "/api/v1/connections/{name}/operations", ALL,
                        r -> path("/api/v1/connections/" + openApiConnection() + "/operations")),
                row("POST", "/api/v1/connections/{name}/test", BUILD, r -> {
                    String name = next("m-conn");
                    ok(api.postJson("/api/v1/connections", JSON.writeValueAsString(Map.of("name", name, "connector", "http",
                            "settings", Map.of("baseUrl", stub.url("/"))))));
                    return new Call("/api/v1/connections/" + name + "/test", null);
                }),
                row("POST", "/api/v1/recipes/validate", BUILD, r -> new Call("/api/v1/recipes/validate",
                        "{\"yaml\": \"slug: x\"}")),
                row("POST", "/api/v1/expressions/evaluate", BUILD, r -> new Call("/api/v1/expressions/evaluate",
                        "{\"expression\": \"1 + 1\", \"context\": {}}")),
                row("GET", "/api/v1/recipes/{slug}/fixtures", ALL, r -> path("/api/v1/recipes/" + slug + "/fixtures")),
                row("PUT", "/api/v1/recipes/{slug}/fixtures/{name}", BUILD, r -> new Call("/api/v1/recipes/" + slug
                        + "/fixtures/" + next("m-fixture"), "{\"trigger\": {\"body\": {}}}")),
                row("DELETE", "/api/v1/recipes/{slug}/fixtures/{name}", BUILD, r -> path(fixture(slug))),
                row("GET", "/api/v1/events", ALL, r -> path("?recipe=" + slug))); // a stream: opened below

        // Open on purpose: the UI's sign-in, covered by SessionIT; the recipe format's schema, covered by RecipeSchemaIT.
        Set<String> open = Set.of("GET /api/v1/session", "POST /api/v1/session", "DELETE /api/v1/session",
                "GET /api/v1/schema/recipe.json");
        Set<String> covered = new TreeSet<>(rowKeys(rows));
        covered.addAll(open);
        assertThat(covered).as("every API endpoint has a row in the matrix").containsAll(apiEndpoints());

        int checks = 0;
        for (Row row : rows) {
            String denied = row.pattern().replaceAll("\\{[^}]+}", "matrix-denied");
            ApiClient.Response none = anonymous.send(row.method(), denied, null);
            assertThat(none.status()).as("%s %s without credentials", row.method(), row.pattern()).isEqualTo(401);
            checks++;
            for (Role role : Role.values()) {
                if (!row.allowed().contains(role)) {
                    ApiClient.Response refused = as.get(role).send(row.method(), denied, row.method().equals("GET") ? null : "{}");
                    assertThat(refused.status()).as("%s %s as %s", row.method(), row.pattern(), role.wire()).isEqualTo(403);
                    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
                    checks++;
                }
            }
            Role least = leastPrivileged(row.allowed());
            Call call = row.call().apply(least);
            if (row.pattern().equals("/api/v1/events")) { // never ends: opened (200) and closed
                try (EventStream stream = EventStream.open(port, "matrix-" + least.wire(), PASSWORD, call.path(), null)) {
                    assertThat(stream).isNotNull();
                }
                checks++;
                continue;
            }
            ApiClient.Response allowed = as.get(least).send(row.method(), call.path(), call.body());
            assertThat(allowed.status()).as("%s %s as %s: %s", row.method(), call.path(), least.wire(), allowed.body())
                    .isBetween(200, 299);
            checks++;
        }
        log.info("Access matrix: {} endpoints, {} checks (401 without credentials, 403 per role without the right, 2xx with it)",
                rows.size(), checks);
    }

    private static Row row(String method, String pattern, Set<Role> allowed, Function<Role, Call> call) {
        return new Row(method, pattern, allowed, call);
    }

    private static Call path(String path) {
        return new Call(path, null);
    }

    /** The order a role is tried for the 2xx check: the narrowest one proves the rule, not admin's blanket right. */
    private static Role leastPrivileged(Set<Role> allowed) {
        for (Role r : List.of(Role.VIEWER, Role.OPERATOR, Role.BUILDER, Role.ADMIN)) {
            if (allowed.contains(r)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no role allowed");
    }

    private static Set<String> rowKeys(List<Row> rows) {
        Set<String> keys = new TreeSet<>();
        rows.forEach(r -> keys.add(r.method() + " " + r.pattern()));
        return keys;
    }

    private Set<String> apiEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/api/"))
                .forEach(p -> info.getMethodsCondition().getMethods().forEach(m -> endpoints.add(m.name() + " " + p))));
        return endpoints;
    }

    private static String next(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet();
    }

    private static String recipeJson(String slug) {
        return JSON.writeValueAsString(Map.of("slug", slug, "name", slug, "trigger", Map.of("webhook", Map.of()),
                "steps", List.of(Map.of("id", "a", "action", "core.transform", "with", Map.of("value", 1)))));
    }

    private static String connectionJson(String name) {
        return JSON.writeValueAsString(Map.of("name", name, "connector", "http",
                "settings", Map.of("baseUrl", "https://example.org")));
    }

    private String recipe() {
        String slug = next("m-recipe");
        ok(api.post("/api/v1/recipes", "application/json", recipeJson(slug)));
        return slug;
    }

    private String scheduledRecipe() {
        String slug = next("m-nightly");
        ok(api.postYaml("/api/v1/recipes", """
                slug: %s
                name: nightly
                trigger:
                  schedule: { cron: "0 0 2 * * ?", timezone: UTC, catchUp: none }
                steps:
                  - id: a
                    action: core.transform
                    with: { value: 1 }
                """.formatted(slug)));
        return slug;
    }

    private String webhookRun(String slug) {
        return ok(anonymous.postJson("/hooks/" + slug, "{}")).json().path("runId").asString();
    }

    /** A run that failed at once, and its dead letter. */
    private String[] failedRun() {
        String slug = next("m-failing");
        ok(api.postYaml("/api/v1/recipes", """
                slug: %s
                name: failing
                trigger:
                  webhook: {}
                steps:
                  - id: boom
                    fail: { message: "matrix" }
                """.formatted(slug)));
        String runId = webhookRun(slug);
        return await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql(
                        "select id::text as run, dead_letter_id::text as dead from runs where id = ?::uuid and status = 'failed'")
                .param(runId).query((rs, n) -> new String[] {rs.getString("run"), rs.getString("dead")}).optional()
                .filter(r -> r[1] != null).orElse(null), r -> r != null);
    }

    private String waitingRun() {
        String slug = next("m-waiting");
        ok(api.postYaml("/api/v1/recipes", """
                slug: %s
                name: waiting
                trigger:
                  webhook: {}
                steps:
                  - id: pause
                    action: core.delay
                    with: { duration: 1h }
                """.formatted(slug)));
        String runId = webhookRun(slug);
        await().atMost(Duration.ofSeconds(20)).until(() -> "waiting".equals(jdbc.sql("select status from runs where id = ?::uuid")
                .param(runId).query(String.class).single()));
        return runId;
    }

    /** A bulk job (discarding one dead letter) started as admin; answers its id. */
    private String job() {
        ApiClient.Response started = api.postJson("/api/v1/jobs", Map.of("action", "dead-letters.discard",
                "ids", List.of(failedRun()[1])));
        ok(started);
        return started.json().path("id").asString();
    }

    private String connection() {
        String name = next("m-conn");
        ok(api.postJson("/api/v1/connections", connectionJson(name)));
        return name;
    }

    /** An openapi connection whose document has one operation. */
    private String openApiConnection() {
        String name = next("m-openapi");
        ok(api.postJson("/api/v1/connections", Map.of("name", name, "connector", "openapi", "settings", Map.of(
                "baseUrl", stub.url("/"), "document", "openapi: 3.0.3\ninfo: {title: m, version: '1'}\n"
                        + "paths: {/ping: {get: {operationId: ping, responses: {'200': {description: ok}}}}}\n"))));
        return name;
    }

    /** A fixture of {@code slug}, pinned as admin; answers its path. */
    private String fixture(String slug) {
        String path = "/api/v1/recipes/" + slug + "/fixtures/" + next("m-fixture");
        ok(api.put(path, Map.of("Content-Type", "application/json"), "{\"trigger\": {\"body\": {}}}"));
        return path;
    }

    private String secret() {
        String name = next("M_SECRET").replace('-', '_');
        ok(api.postJson("/api/v1/secrets", Map.of("name", name, "value", "s3cret")));
        return name;
    }

    private String user() {
        String name = next("m-user");
        ok(api.postJson("/api/v1/users", Map.of("username", name, "password", PASSWORD, "roles", List.of("viewer"))));
        return name;
    }

    private String token(Role owner) {
        return ok(as.get(owner).postJson("/api/v1/tokens", Map.of("name", "to-revoke"))).json().path("id").asString();
    }

    private static ApiClient.Response ok(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isBetween(200, 299);
        return response;
    }

}
