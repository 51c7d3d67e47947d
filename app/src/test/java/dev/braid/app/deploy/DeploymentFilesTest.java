package dev.braid.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.yaml.snakeyaml.Yaml;

import dev.braid.app.config.BraidProperties;

/**
 * The deployment files (issue 19): the Helm chart under {@code deploy/helm/braid} and {@code docker-compose.yml}.
 * No helm binary is at hand, and re-implementing Go templates to render the chart would test the imitation, so
 * this checks what can be checked without one: the chart's YAML files parse, every {@code .Values.…} a template
 * uses is defined in {@code values.yaml} (and every value is used), the readiness probe is Braid's readiness
 * group, and the pod's termination grace is derived from the same value as the worker drain, whose default is
 * the server's. docker-compose.yml parses and has its two Braid nodes on the shared PostgreSQL and Kafka.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CHART = ROOT.resolve("deploy/helm/braid");
    private static final Pattern VALUES = Pattern.compile("\\.Values((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)");

    @Test
    void theChartsFilesParseAndItsTemplatesUseOnlyDefinedValues() throws IOException {
        Map<String, Object> chart = yaml(CHART.resolve("Chart.yaml"));
        assertThat(chart).containsEntry("apiVersion", "v2").containsEntry("name", "braid").containsKey("version");
        Map<String, Object> values = yaml(CHART.resolve("values.yaml"));

        Set<String> used = new TreeSet<>();
        List<String> undefined = new ArrayList<>();
        try (Stream<Path> templates = Files.list(CHART.resolve("templates"))) {
            for (Path t : templates.toList()) {
                Matcher m = VALUES.matcher(Files.readString(t));
                while (m.find()) {
                    String path = m.group(1).substring(1);
                    used.add(path);
                    if (!defined(values, path)) {
                        undefined.add(t.getFileName() + ": .Values." + path);
                    }
                }
            }
        }
        assertThat(undefined).as("values the templates use that values.yaml does not define").isEmpty();
        List<String> unused = new ArrayList<>();
        leaves(values, "", unused);
        unused.removeIf(leaf -> used.stream().anyMatch(u -> leaf.equals(u) || leaf.startsWith(u + ".")));
        assertThat(unused).as("values no template uses").isEmpty();
    }

    @Test
    void podsAreReadyByBraidsReadinessGroupAndGetTheDrainBeforeTheyAreKilled() throws Exception {
        String deployment = Files.readString(CHART.resolve("templates/deployment.yaml"));
        assertThat(deployment).contains("path: /actuator/health/readiness")
                .contains("terminationGracePeriodSeconds: {{ add .Values.braid.shutdownGraceSeconds .Values.braid.shutdownMarginSeconds }}")
                .contains("value: \"{{ .Values.braid.shutdownGraceSeconds }}s\"")
                .contains("name: BRAID_WORKER_SHUTDOWNGRACE")
                .contains("name: SPRING_KAFKA_BOOTSTRAP_SERVERS");
        Map<String, Object> braid = section(yaml(CHART.resolve("values.yaml")), "braid");
        // The chart's default drain is the server's own default (braid.worker.shutdown-grace).
        assertThat(braid.get("shutdownGraceSeconds") + "s").isEqualTo(serverDefault(BraidProperties.Worker.class, "shutdownGrace"));
        assertThat((Integer) braid.get("shutdownMarginSeconds")).isGreaterThanOrEqualTo(30);

        String application = Files.readString(ROOT.resolve("app/src/main/resources/application.yml"));
        assertThat(application).contains("probes:\n        enabled: true");
    }

    @Test
    void dockerComposeParsesAndRunsTwoBraidNodesOnTheSharedServers() throws IOException {
        Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
        Map<String, Object> services = section(compose, "services");
        assertThat(services).containsKeys("postgres", "kafka");
        List<String> nodes = services.keySet().stream().filter(s -> s.startsWith("braid")).toList();
        assertThat(nodes).hasSize(2);
        for (String node : nodes) {
            Map<String, Object> env = section(section(services, node), "environment");
            assertThat(String.valueOf(env.get("SPRING_DATASOURCE_URL"))).contains("postgres:5432");
            assertThat(String.valueOf(env.get("SPRING_KAFKA_BOOTSTRAP_SERVERS"))).contains("kafka:9092");
            assertThat(String.valueOf(section(services, node).get("stop_grace_period"))).isEqualTo("55s");
        }
    }

    /** The {@code @DefaultValue} of a component of a {@code @ConfigurationProperties} record (on its constructor parameter). */
    private static String serverDefault(Class<?> record, String component) throws NoSuchMethodException {
        RecordComponent[] all = record.getRecordComponents();
        Class<?>[] types = Stream.of(all).map(RecordComponent::getType).toArray(Class<?>[]::new);
        java.lang.reflect.Parameter[] parameters = record.getDeclaredConstructor(types).getParameters();
        for (int i = 0; i < all.length; i++) {
            if (all[i].getName().equals(component)) {
                return parameters[i].getAnnotation(DefaultValue.class).value()[0];
            }
        }
        throw new AssertionError("No " + component + " in " + record);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> map, String key) {
        Object v = map.get(key);
        assertThat(v).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static boolean defined(Map<String, Object> values, String path) {
        Object at = values;
        for (String part : path.split("\\.")) {
            if (!(at instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return false;
            }
            at = ((Map<String, Object>) map).get(part);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static void leaves(Map<String, Object> map, String prefix, List<String> out) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String path = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> child && !child.isEmpty()) {
                leaves((Map<String, Object>) child, path + ".", out);
            } else {
                out.add(path);
            }
        }
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        Map<String, Object> loaded = new Yaml().load(Files.readString(file));
        assertThat(loaded).as(file.toString()).isNotNull();
        return loaded;
    }
}
