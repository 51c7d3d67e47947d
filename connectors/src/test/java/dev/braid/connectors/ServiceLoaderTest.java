package dev.braid.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.braid.connectors.core.CoreConnector;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;
import dev.braid.engine.spi.ConnectorRegistry;

/**
 * The registry finds every connector this module declares in {@code META-INF/services} and every
 * action class each connector's package holds: a connector left out of the services file, or an
 * action written but not put in its connector's {@code actions()}, fails here.
 */
class ServiceLoaderTest {

    private static final String SERVICES = "META-INF/services/" + Connector.class.getName();

    @Test
    void registryFindsEveryDeclaredConnectorAndNothingElse() throws IOException {
        try (ConnectorRegistry registry = ConnectorRegistry.load()) {
            Set<String> declared = declaredConnectorClasses();
            assertThat(registry.connectors()).extracting(c -> c.getClass().getName())
                    .containsExactlyInAnyOrderElementsOf(declared);
            // The built-in connectors of the README's catalogue, all of them declared.
            assertThat(registry.connectors()).extracting(Connector::name)
                    .containsExactlyInAnyOrder("core", "http", "sql", "mail", "kafka", "mqtt", "amqp", "openapi", "s3", "files", "sftp");
        }
    }

    @Test
    void everyActionIsFoundByItsFullNameAndEveryActionClassIsRegistered() throws Exception {
        try (ConnectorRegistry registry = ConnectorRegistry.load()) {
            for (Connector connector : registry.connectors()) {
                assertThat(registry.connector(connector.name())).containsSame(connector);
                Map<String, Action> actions = connector.actions();
                String home = actionPackage(connector);
                assertThat(actions).as(connector.name() + " has actions").isNotEmpty();
                actions.forEach((shortName, action) -> {
                    assertThat(registry.action(connector.name() + "." + shortName)).as(connector.name() + "." + shortName)
                            .containsSame(action);
                    assertThat(action.getClass().getPackageName()).isEqualTo(home);
                });
                Set<Class<?>> registered = actions.values().stream().map(Object::getClass).collect(Collectors.toSet());
                assertThat(registered).as("the action classes of " + connector.name() + "'s package are all in its actions()")
                        .containsExactlyInAnyOrderElementsOf(actionClassesIn(home));
            }
            assertThat(registry.action("core.no-such-action")).isEmpty();
            assertThat(registry.action("nosuch.request")).isEmpty();
        }
    }

    /** Where a connector's action classes live: its own package, except sftp, which runs the file actions of files. */
    private static String actionPackage(Connector connector) {
        return connector.name().equals("sftp") ? "dev.braid.connectors.files" : connector.getClass().getPackageName();
    }

    /** The connector classes named in this module's services file (comments and blank lines skipped). */
    private static Set<String> declaredConnectorClasses() throws IOException {
        try (InputStream in = CoreConnector.class.getClassLoader().getResourceAsStream(SERVICES)) {
            assertThat(in).as(SERVICES).isNotNull();
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty())
                    .collect(Collectors.toSet());
        }
    }

    /** The concrete {@link Action} classes compiled into a package of this module (not its sub-packages). */
    private static Set<Class<?>> actionClassesIn(String packageName) throws IOException, URISyntaxException {
        Path classes = Path.of(CoreConnector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = classes.resolve(packageName.replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> load(packageName + "." + n.substring(0, n.length() - ".class".length())))
                    .filter(c -> Action.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers()))
                    .collect(Collectors.toSet());
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, CoreConnector.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
