package dev.braid.webui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packaged app keeps the rules a browser test cannot see at a glance: it is where Spring Boot
 * serves a welcome page, it loads nothing from other origins, server data never reaches innerHTML, and
 * the page keeps no credentials in browser storage. Behaviour in a real browser is for the Chromium
 * tests (app's WebUiIT).
 */
class StaticPageTest {

    private static final Pattern EXTERNAL_URL = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}");
    private static final Pattern ENTRY_SCRIPT = Pattern.compile("<script type=\"module\"[^>]*src=\"/(assets/[^\"]+\\.js)\"");

    static String resource(String name) throws IOException {
        try (InputStream in = StaticPageTest.class.getResourceAsStream("/static/" + name)) {
            assertThat(in).as("static/%s on the classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String entryScript() throws IOException {
        Matcher m = ENTRY_SCRIPT.matcher(resource("index.html"));
        assertThat(m.find()).as("index.html loads a hashed entry script from /assets").isTrue();
        return m.group(1);
    }

    /** The app's own TypeScript, where a rule about what the code does is checked (the bundle holds React's code too). */
    static List<String> sources() {
        try (Stream<Path> files = Files.walk(Path.of("src/main/ts"))) {
            return files.filter(p -> p.toString().endsWith(".ts") || p.toString().endsWith(".tsx")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theWelcomePageLoadsItsOwnScriptAndStylesheet() throws IOException {
        String html = resource("index.html");
        assertThat(html).contains("<title>Braid</title>", "id=\"root\"");
        assertThat(resource(entryScript())).isNotEmpty();
        assertThat(html).containsPattern("href=\"/assets/[^\"]+\\.css\"");
    }

    @Test
    void nothingIsLoadedFromAnotherOrigin() throws IOException {
        assertThat(EXTERNAL_URL.matcher(resource("index.html")).find()).as("index.html refers to an external URL").isFalse();
        for (String source : sources()) {
            assertThat(EXTERNAL_URL.matcher(source).find()).as("a source refers to an external URL").isFalse();
        }
    }

    @Test
    void serverDataIsWrittenAsTextOnly() {
        List<String> sources = sources();
        assertThat(sources).hasSizeGreaterThan(10);
        for (String source : sources) {
            assertThat(source).doesNotContain("dangerouslySetInnerHTML", "innerHTML", "outerHTML", "insertAdjacentHTML",
                    "document.write", "eval(");
        }
    }

    @Test
    void theApiIsCalledWhereTheServerServesIt() {
        String all = String.join("\n", sources());
        assertThat(all).contains("'/api/v1/session'", "'/api/v1/recipes", "`/api/v1/runs", "/api/v1/dead-letters", "'/api/v1/connectors'");
        assertThat(all).doesNotContain("localStorage", "sessionStorage", "document.cookie");
    }
}
