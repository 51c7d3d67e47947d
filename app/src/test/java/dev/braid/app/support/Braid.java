package dev.braid.app.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * A Braid server as a test uses it over real HTTP: the admin and the anonymous client, and the steps
 * every test repeats (save a recipe from YAML, post a webhook, wait for a run, read it). The same for
 * the shared test context ({@link BraidIntegrationTest#braid}) and a server in its own JVM
 * ({@link ServerProcess#braid()}).
 */
public final class Braid {

    /** How long a run may take to reach a status unless a test says otherwise; generous for a shared machine. */
    public static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final Set<String> FINAL = Set.of("succeeded", "failed", "cancelled");

    private final ApiClient api;
    private final ApiClient anonymous;

    public Braid(ApiClient api, ApiClient anonymous) {
        this.api = api;
        this.anonymous = anonymous;
    }

    public ApiClient api() {
        return api;
    }

    public ApiClient anonymous() {
        return anonymous;
    }

    /** Saves a recipe from YAML and checks it was created (201). */
    public ApiClient.Response saveRecipe(String yaml) {
        ApiClient.Response created = api.postYaml("/api/v1/recipes", yaml);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created;
    }

    /** Posts a JSON webhook to {@code /hooks/<slug>}, checks it was accepted (202) and answers the run's id. */
    public String webhook(String slug, String jsonBody) {
        ApiClient.Response accepted = anonymous.postJson("/hooks/" + slug, jsonBody);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().path("runId").asString();
    }

    /** Starts a manual run ({@code POST /api/v1/recipes/<slug>/runs}) and answers its id. */
    public String startRun(String slug, String jsonBody) {
        ApiClient.Response started = api.postJson("/api/v1/recipes/" + slug + "/runs", jsonBody);
        assertThat(started.status()).as(started.body()).isBetween(200, 202);
        return started.json().path("runId").asString();
    }

    /** The run as {@code GET /api/v1/runs/<id>} shows it. */
    public JsonNode run(String runId) {
        return api.get("/api/v1/runs/" + runId).json();
    }

    public String status(String runId) {
        return run(runId).path("status").asString();
    }

    /** Waits until the run has {@code status} and answers it; fails at once if it ends with another. */
    public JsonNode awaitStatus(String runId, String status) {
        return awaitStatus(runId, status, RUN_TIMEOUT);
    }

    public JsonNode awaitStatus(String runId, String status, Duration atMost) {
        JsonNode run = await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> run(runId), r -> {
            String now = r.path("status").asString();
            return now.equals(status) || FINAL.contains(now);
        });
        assertThat(run.path("status").asString()).as("run %s: %s", runId, run.path("error")).isEqualTo(status);
        return run;
    }

    /** Waits until the run has ended, whichever way, and answers it. */
    public JsonNode awaitEnd(String runId) {
        return awaitEnd(runId, RUN_TIMEOUT);
    }

    public JsonNode awaitEnd(String runId, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> run(runId),
                r -> FINAL.contains(r.path("status").asString()));
    }

    /** The recipe's row of the trigger health board ({@code GET /api/v1/triggers}); a missing node when it has none. */
    public JsonNode triggerHealth(String slug) {
        ApiClient.Response board = api.get("/api/v1/triggers");
        assertThat(board.status()).as(board.body()).isEqualTo(200);
        for (JsonNode entry : board.json()) {
            if (slug.equals(entry.path("recipe").asString())) {
                return entry;
            }
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
    }

    /**
     * The value of a Prometheus gauge's series with {@code recipe="<slug>"} as {@code /actuator/prometheus} shows it;
     * null when the series is not there.
     */
    public Double gauge(String metric, String slug) {
        ApiClient.Response scraped = api.get("/actuator/prometheus", "text/plain");
        assertThat(scraped.status()).as(scraped.body()).isEqualTo(200);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(metric)
                + "\\{[^}]*recipe=\"" + java.util.regex.Pattern.quote(slug) + "\"[^}]*} (\\S+)$").matcher(scraped.body());
        return m.find() ? Double.parseDouble(m.group(1)) : null;
    }

    /** Creates (or replaces) a secret and checks the answer. */
    public void saveSecret(String name, String value) {
        ApiClient.Response saved = api.postJson("/api/v1/secrets", Map.of("name", name, "value", value));
        assertThat(saved.status()).as(saved.body()).isBetween(200, 201);
    }

    /** Creates a connection ({@code name}, {@code connector}, {@code settings}, ...) and checks it was created. */
    public ApiClient.Response saveConnection(Map<String, ?> connection) {
        ApiClient.Response created = api.postJson("/api/v1/connections", connection);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created;
    }

    /** One step of a run by its path ({@code lines[2].reserve}). */
    public static JsonNode step(JsonNode run, String path) {
        for (JsonNode s : run.path("steps").values()) {
            if (s.path("path").asString().equals(path)) {
                return s;
            }
        }
        throw new AssertionError("no step " + path + " in " + run.path("steps"));
    }

    /** A run's steps by path, in the order the API lists them. */
    public static Map<String, JsonNode> stepsByPath(JsonNode run) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        run.path("steps").values().forEach(s -> out.put(s.path("path").asString(), s));
        return out;
    }
}
