package dev.braid.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.braid.engine.expr.Expressions;
import dev.braid.engine.spi.ConnectorRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The samples the server loads on first start: the index lists exactly the sample files, each is a
 * well-formed recipe that needs only in-process connectors, every expression compiles, and walking
 * each with a realistic trigger gives the output its comment promises.
 */
class SamplesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> AVAILABLE_ACTIONS = Set.of("core.log", "core.transform", "http.request");
    /** The first samples: webhooks that need nothing at all. */
    private static final Set<String> STARTERS = Set.of("hello-webhook.yaml", "order-fanout.yaml", "sync-echo.yaml");
    /**
     * The connections the use-case samples may name: embedded-db exists in the embedded default, warehouse
     * is created by the README's steps for inventory-sync (loaded disabled). Kafka steps name none (braid-kafka).
     */
    private static final Set<String> DOCUMENTED_CONNECTIONS = Set.of("embedded-db", "warehouse");
    private static final ConnectorRegistry CONNECTORS = ConnectorRegistry.load();
    private static final Set<String> STEP_KINDS = Set.of("action", "if", "foreach", "stop", "fail", "call");
    private final Expressions expressions = Expressions.withDefaults();

    static List<String> index() throws IOException {
        try (InputStream in = SamplesTest.class.getResourceAsStream("/samples/index.txt")) {
            assertThat(in).as("samples/index.txt on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toList();
        }
    }

    static JsonNode load(String file) throws IOException {
        try (InputStream in = SamplesTest.class.getResourceAsStream("/samples/" + file)) {
            assertThat(in).as("samples/" + file).isNotNull();
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return JSON.valueToTree(yaml);
        }
    }

    @Test
    void theIndexListsEverySampleFileOnce() throws IOException, URISyntaxException {
        Path dir = Path.of(SamplesTest.class.getResource("/samples").toURI());
        List<String> onDisk;
        try (Stream<Path> files = Files.list(dir)) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
        assertThat(index()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(onDisk);
        assertThat(index()).contains("hello-webhook.yaml", "order-fanout.yaml", "sync-echo.yaml", "reconcile-orders.yaml");
    }

    /** The samples that work on the tables of the embedded default's connection {@code embedded-db}. */
    private static final Set<String> ON_THE_EMBEDDED_DB = Set.of("reconcile-orders.yaml");
    private static final Set<String> EMBEDDED_DB_ACTIONS = Set.of("sql.query", "sql.execute", "sql.batchInsert");

    static List<String> starters() throws IOException {
        return index().stream().filter(STARTERS::contains).toList();
    }

    static List<String> useCases() throws IOException {
        return index().stream().filter(f -> !STARTERS.contains(f)).toList();
    }

    @ParameterizedTest
    @MethodSource("starters")
    void eachSampleIsAWellFormedRecipeThatRunsWithoutConnectionsOrSecrets(String file) throws IOException {
        JsonNode recipe = load(file);
        assertThat(recipe.path("slug").asString()).isEqualTo(file.replaceFirst("\\.yaml$", "")).matches("[a-z0-9-]{1,64}");
        assertThat(recipe.path("name").asString()).isNotBlank();
        assertThat(recipe.path("trigger").propertyNames()).containsExactly("webhook");
        assertThat(recipe.path("steps").isArray() && !recipe.path("steps").isEmpty()).isTrue();
        assertThat(recipe.toString()).doesNotContain("secrets.");

        Set<String> ids = new HashSet<>();
        forEachStep(recipe.path("steps"), step -> {
            String id = step.path("id").asString();
            // Ids are read back as steps.<id> in JSONata, so they must be plain identifiers ('-' would subtract).
            assertThat(id).matches("[A-Za-z][A-Za-z0-9_]*");
            assertThat(ids.add(id)).as("step id '%s' is unique", id).isTrue();
            List<String> kinds = new ArrayList<>();
            step.propertyNames().forEach(name -> {
                if (STEP_KINDS.contains(name)) {
                    kinds.add(name);
                }
            });
            assertThat(kinds).as("kind of step '%s'", id).hasSize(1);
            if (step.has("action")) {
                assertThat(step.path("action").asString()).isIn(AVAILABLE_ACTIONS);
                assertThat(step.has("connection")).as("step '%s' needs no connection", id).isFalse();
            }
        });
    }

    @Test
    void reconcileOrdersRunsNightlyOnTheEmbeddedDbAndReconcilesWithCoreReconcile() throws IOException {
        JsonNode recipe = load("reconcile-orders.yaml");
        assertThat(index()).containsAll(ON_THE_EMBEDDED_DB);
        assertThat(recipe.path("slug").asString()).isEqualTo("reconcile-orders");
        assertThat(recipe.path("trigger").propertyNames()).containsExactly("schedule");
        // The Quartz-safe form: '?' in one of the two day fields.
        assertThat(recipe.path("trigger").path("schedule").path("cron").asString()).isEqualTo("0 0 3 * * ?");
        assertThat(recipe.toString()).doesNotContain("secrets.");
        List<String> actions = new ArrayList<>();
        forEachStep(recipe.path("steps"), step -> {
            assertThat(step.path("id").asString()).matches("[A-Za-z][A-Za-z0-9_]*");
            if (step.has("action")) {
                String action = step.path("action").asString();
                actions.add(action);
                if (EMBEDDED_DB_ACTIONS.contains(action)) {
                    assertThat(step.path("connection").asString()).isEqualTo("embedded-db");
                } else {
                    assertThat(action).isIn("core.log", "core.transform", "core.reconcile");
                    assertThat(step.has("connection")).isFalse();
                }
            }
        });
        assertThat(actions).contains("core.reconcile", "sql.query", "sql.execute");
    }

    /**
     * The use-case samples need no secrets and name only connections that exist on the embedded defaults
     * or that the README creates; every action is in the built-in catalogue; a sample with a connection
     * the embedded default lacks is loaded disabled.
     */
    @ParameterizedTest
    @MethodSource("useCases")
    void eachUseCaseSampleIsAWellFormedRecipeOnTheEmbeddedDefaults(String file) throws IOException {
        JsonNode recipe = load(file);
        assertThat(recipe.path("slug").asString()).isEqualTo(file.replaceFirst("\\.yaml$", "")).matches("[a-z0-9-]{1,64}");
        assertThat(recipe.path("name").asString()).isNotBlank();
        assertThat(recipe.path("description").asString()).isNotBlank();
        assertThat(recipe.toString()).doesNotContain("secrets.");
        Set<String> ids = new HashSet<>();
        Set<String> connections = new HashSet<>();
        forEachStep(recipe.path("steps"), step -> {
            String id = step.path("id").asString();
            assertThat(id).matches("[A-Za-z][A-Za-z0-9_]*");
            assertThat(ids.add(id)).as("step id '%s' is unique", id).isTrue();
            if (step.has("action")) {
                String action = step.path("action").asString();
                assertThat(CONNECTORS.action(action)).as("action %s", action).isPresent();
                if (step.has("connection")) {
                    connections.add(step.path("connection").asString());
                }
            }
        });
        recipe.path("trigger").values().forEach(t -> {
            if (t.has("connection")) {
                connections.add(t.path("connection").asString());
            }
        });
        assertThat(connections).isSubsetOf(DOCUMENTED_CONNECTIONS);
        if (!DOCUMENTED_CONNECTIONS.stream().filter(c -> !c.equals("embedded-db")).filter(connections::contains).toList().isEmpty()) {
            assertThat(recipe.path("enabled").asBoolean(true)).as("%s needs a connection the README creates: loaded disabled", file).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("index")
    void everyExpressionCompiles(String file) throws IOException {
        JsonNode recipe = load(file);
        recipe.path("trigger").values().forEach(t -> {
            if (t.has("idempotencyKey")) {
                expressions.check(t.path("idempotencyKey").asString());
            }
            if (t.path("batch").has("key")) {
                expressions.check(t.path("batch").path("key").asString());
            }
        });
        if (recipe.path("concurrency").has("key")) {
            expressions.check(recipe.path("concurrency").path("key").asString());
        }
        forEachStep(recipe.path("steps"), step -> {
            if (step.has("if")) {
                expressions.check(step.path("if").asString());
            }
            if (step.has("foreach")) {
                expressions.check(step.path("foreach").asString());
            }
            expressions.checkTemplate(step.get("with"));
            expressions.checkTemplate(step.path("stop").get("output"));
            expressions.checkTemplate(step.path("fail").get("message"));
        });
    }

    @Test
    void helloWebhookGreetsAVipLoudlyAndAStrangerPolitely() throws IOException {
        JsonNode recipe = load("hello-webhook.yaml");

        SampleWalk.Result vip = SampleWalk.run(recipe, trigger("{\"name\": \"Ada\", \"vip\": true}", "{}"));
        assertThat(vip.output().path("greeting").asString()).isEqualTo("Hello, Ada!");
        assertThat(vip.output().path("vip").asBoolean()).isTrue();
        assertThat(vip.outputsByPath()).containsKey("audience.vipLog").doesNotContainKey("audience.guestLog");
        assertThat(vip.outputsByPath().get("audience.vipLog").path("message").asString()).isEqualTo("VIP greeting: Hello, Ada!");
        assertThat(vip.outputsByPath().get("audience.vipLog").path("level").asString()).isEqualTo("warn");

        SampleWalk.Result stranger = SampleWalk.run(recipe, trigger("{}", "{}"));
        assertThat(stranger.output().path("greeting").asString()).isEqualTo("Hello, stranger!");
        assertThat(stranger.output().path("vip").asBoolean()).isFalse();
        assertThat(stranger.outputsByPath().get("audience.guestLog").path("message").asString()).isEqualTo("Hello, stranger!");
        assertThat(stranger.outputsByPath().keySet()).containsExactly("greeting", "audience.guestLog", "audience", "done");
    }

    @Test
    void orderFanoutPricesEachLineAndSumsTheOrder() throws IOException {
        JsonNode recipe = load("order-fanout.yaml");
        ObjectNode trigger = trigger("""
                {"orderId": "SO-1001", "customer": "acme", "items": [
                  {"sku": "BOLT-M6", "qty": 100, "unitPrice": 0.12},
                  {"sku": "NUT-M6", "qty": 100, "unitPrice": 0.05},
                  {"sku": "DRILL-1", "qty": 1, "unitPrice": 89.9}]}""", "{}");

        JsonNode key = expressions.evaluate(recipe.path("trigger").path("webhook").path("idempotencyKey").asString(),
                NODES.objectNode().set("trigger", trigger));
        assertThat(key.asString()).isEqualTo("SO-1001");

        SampleWalk.Result result = SampleWalk.run(recipe, trigger);
        assertThat(result.outputsByPath().keySet()).containsExactly(
                "lines[0].lineTotal", "lines[1].lineTotal", "lines[2].lineTotal", "lines", "summary", "report");
        assertThat(result.outputsByPath().get("lines[0].lineTotal").path("value").path("total").asDouble()).isEqualTo(12.0);
        assertThat(result.outputsByPath().get("lines[2].lineTotal").path("value").path("sku").asString()).isEqualTo("DRILL-1");
        JsonNode summary = result.outputsByPath().get("summary").path("value");
        assertThat(summary.path("total").asDouble()).isEqualTo(106.9);
        assertThat(summary.path("lineCount").asInt()).isEqualTo(3);
        assertThat(summary.path("lines").size()).isEqualTo(3);
        assertThat(result.output().path("message").asString()).isEqualTo("Order SO-1001: 3 lines, total 106.9");
    }

    @Test
    void orderFanoutWithASingleLineStillSumsIt() throws IOException {
        SampleWalk.Result result = SampleWalk.run(load("order-fanout.yaml"), trigger(
                "{\"orderId\": \"SO-7\", \"items\": [{\"sku\": \"X\", \"qty\": 2, \"unitPrice\": 2.5}]}", "{}"));
        assertThat(result.outputsByPath().get("summary").path("value").path("total").asDouble()).isEqualTo(5.0);
        assertThat(result.outputsByPath().get("summary").path("value").path("lineCount").asInt()).isEqualTo(1);
    }

    @Test
    void syncEchoAnswersTheBodyWithItsFieldsAndQuery() throws IOException {
        JsonNode recipe = load("sync-echo.yaml");
        assertThat(recipe.path("trigger").path("webhook").path("respond").path("mode").asString()).isEqualTo("sync");

        SampleWalk.Result result = SampleWalk.run(recipe, trigger("{\"message\": \"ping\", \"count\": 3}", "{\"source\": \"docs\"}"));
        assertThat(result.output().path("echo").path("message").asString()).isEqualTo("ping");
        assertThat(result.output().path("echo").path("count").asInt()).isEqualTo(3);
        assertThat(result.output().path("fields").toString()).isEqualTo("[\"message\",\"count\"]");
        assertThat(result.output().path("query").path("source").asString()).isEqualTo("docs");
        assertThat(result.output().path("receivedAt").asString()).isNotBlank();

        SampleWalk.Result single = SampleWalk.run(recipe, trigger("{\"only\": 1}", "{}"));
        assertThat(single.output().path("fields").toString()).isEqualTo("[\"only\"]");
    }

    private static ObjectNode trigger(String body, String query) {
        ObjectNode trigger = NODES.objectNode();
        trigger.put("type", "webhook");
        trigger.set("body", JSON.readTree(body));
        trigger.set("headers", NODES.objectNode().put("content-type", "application/json"));
        trigger.set("query", JSON.readTree(query));
        return trigger;
    }

    private static void forEachStep(JsonNode steps, java.util.function.Consumer<JsonNode> visit) {
        for (JsonNode step : steps.values()) {
            visit.accept(step);
            for (String nested : List.of("then", "else", "steps")) {
                if (step.has(nested)) {
                    forEachStep(step.path(nested), visit);
                }
            }
        }
    }
}
