package dev.braid.webui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The packaged page keeps the rules a browser test cannot see at a glance: it is where Spring Boot
 * serves a welcome page, it loads nothing from other origins, and server data never reaches
 * innerHTML. Behaviour in a real browser is for the Chromium tests.
 */
class StaticPageTest {

    private static final Pattern EXTERNAL_URL = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}");

    static String resource(String name) throws IOException {
        try (InputStream in = StaticPageTest.class.getResourceAsStream("/static/" + name)) {
            assertThat(in).as("static/%s on the classpath", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theWelcomePageLoadsItsOwnScriptAndStylesheet() throws IOException {
        String html = resource("index.html");
        assertThat(html).contains("<title>Braid</title>", "src=\"app.js\"", "href=\"app.css\"");
        assertThat(html).contains("id=\"health\"", "id=\"login-form\"", "id=\"recipes\"", "id=\"runs\"", "id=\"run-detail\"");
    }

    @Test
    void nothingIsLoadedFromAnotherOrigin() throws IOException {
        for (String name : new String[] {"index.html", "app.js", "app.css"}) {
            assertThat(EXTERNAL_URL.matcher(resource(name)).find()).as("%s refers to an external URL", name).isFalse();
        }
    }

    @Test
    void serverDataIsWrittenAsTextOnly() throws IOException {
        String js = resource("app.js");
        assertThat(js).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        assertThat(js).contains("textContent");
    }

    @Test
    void theApiIsCalledWhereTheServerServesIt() throws IOException {
        String js = resource("app.js");
        assertThat(js).contains("'/actuator/health'", "'/api/v1/recipes'", "'/api/v1/runs'", "'/api/v1/runs/'");
        assertThat(js).doesNotContain("localStorage", "sessionStorage", "document.cookie");
    }
}
