package dev.braid.app.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code ./braid}, on a machine whose default {@code java} is older than 21
 * (issue 19): it finds a JDK ≥ 21 by itself, or stops with the exact install advice. Its {@code --which-java}
 * mode prints the choice without building or starting anything; {@code /usr/bin/java} is Java 17 here.
 */
class BraidLauncherTest {

    private static final Path LAUNCHER = Path.of("..", "braid").toAbsolutePath().normalize();
    private static final Pattern CHOSEN = Pattern.compile("JAVA_HOME=(\\S+) \\(Java (\\d+)\\)");

    record Result(int exit, String out, String err) {}

    @Test
    void withJava17OnThePathItChoosesAJdkOf21OrNewer() throws Exception {
        assumeTrue(feature(Path.of("/usr/bin/java")) < 21, "the test needs a default java older than 21 in /usr/bin");
        Result result = run(Map.of("PATH", "/usr/bin:/bin"));

        assertThat(result.exit()).as(result.err()).isZero();
        Matcher chosen = CHOSEN.matcher(result.out());
        assertThat(chosen.find()).as(result.out()).isTrue();
        assertThat(Integer.parseInt(chosen.group(2))).isGreaterThanOrEqualTo(21);
        // What it names is a real JDK of that version, not just a folder name.
        Path jdk = Path.of(chosen.group(1));
        assertThat(feature(jdk.resolve("bin/java"))).isEqualTo(Integer.parseInt(chosen.group(2)));
        assertThat(jdk.resolve("bin/javac")).isExecutable();
    }

    @Test
    void aJavaHomeOlderThan21IsPassedOver() throws Exception {
        Path java17 = Path.of("/usr/bin/java").toRealPath().getParent().getParent();
        assumeTrue(feature(java17.resolve("bin/java")) < 21 && Files.isExecutable(java17.resolve("bin/javac")),
                "the test needs the JDK 17 behind /usr/bin/java");
        Result result = run(Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", java17.toString()));

        assertThat(result.exit()).as(result.err()).isZero();
        Matcher chosen = CHOSEN.matcher(result.out());
        assertThat(chosen.find()).as(result.out()).isTrue();
        assertThat(Integer.parseInt(chosen.group(2))).isGreaterThanOrEqualTo(21);
        assertThat(chosen.group(1)).isNotEqualTo(java17.toString());
    }

    @Test
    void withoutAnyJdk21ItStopsWithTheInstallAdvice(@TempDir Path empty) throws Exception {
        Result result = run(Map.of("PATH", "/usr/bin:/bin", "BRAID_JDK_DIRS", empty.toString()));

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .contains("Braid needs a JDK 21 or newer")
                .contains("sudo apt-get install openjdk-21-jdk")
                .contains("brew install openjdk@21")
                .contains("sdk install java 21-tem")
                .contains("looked in: " + empty);
    }

    private static Result run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(LAUNCHER.toString(), "--which-java"));
        builder.environment().clear();
        builder.environment().put("HOME", System.getProperty("user.home"));
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The feature version {@code java -version} of this executable reports. */
    private static int feature(Path java) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher m = Pattern.compile("version \"(?:1\\.)?(\\d+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
