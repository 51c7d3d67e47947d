package dev.braid.app.webui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/**
 * The authoring studio (DESIGN §9) in real headless Chromium against this test server: a recipe typed with
 * two mistakes gets the server's two problems as lint marks at their lines; fixed, the graph draws every
 * step; a step added from the palette lands in the YAML with its action's example while the author's comment
 * stays; a test run paints the nodes; saving shows the diff; a second person saving in between gets the
 * conflict and nothing is overwritten. Screenshots under target/screenshots/studio-*.png.
 */
class StudioIT extends BraidIntegrationTest {

    private Browser browser;

    @BeforeEach
    void startBrowser() {
        browser = new Browser(port, 1440, 900);
    }

    @AfterEach
    void stopBrowser(org.junit.jupiter.api.TestInfo test) {
        if (browser != null) {
            // the page as it was when the test ended: the last look of a failure
            browser.screenshot("studio-end-" + test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test"));
            browser.close();
        }
    }

    private String recipe(String slug, String action, String connection) {
        return """
                slug: %s
                name: Studio order screen
                trigger:
                  webhook: {}
                retry: { maxAttempts: 1 }
                steps:
                  # Ask the CRM about the customer first: every later step uses it.
                  - id: customer
                    action: %s
                    with:
                      method: GET
                      url: "%s/{{ trigger.body.customerId }}"
                  - id: big
                    if: "trigger.body.amount > 1000"
                    then:
                      - id: alert
                        action: http.request
                        connection: %s
                        with: { method: POST, url: "%s", body: "{{ trigger.body }}" }
                    else:
                      - id: note
                        action: core.log
                        with: { message: "small order" }
                  - id: lines
                    foreach: "trigger.body.items"
                    as: item
                    chunk: 1
                    steps:
                      - id: price
                        action: core.transform
                        with: { value: "{{ item.qty * 2 }}" }
                """.formatted(slug, action, stub.url("/crm"), connection, stub.url("/alert"));
    }

    @Test
    void anAuthorTypesARecipeSeesProblemsEditsInTheGraphTestsSavesAndMeetsAConflict() {
        String slug = "studio-" + System.nanoTime();
        stub.reply("/crm/42", n -> Reply.json(200, "{\"id\":42,\"name\":\"Acme\",\"vip\":true}"));
        stub.reply("/alert", n -> Reply.json(202, "{\"queued\":true}"));
        stub.reply("/fail", n -> Reply.json(500, "{\"error\":\"warehouse down\"}"));
        braid.saveConnection(Map.of("name", "studio-alerts", "connector", "http", "settings", Map.of()));

        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/recipes/new");
        browser.waitFor(By.cssSelector("[data-testid=new-blank]")).click();
        browser.waitFor(By.cssSelector(".cm-content"));

        // Two mistakes: a misspelt action (line 9) and a connection that does not exist (line 18).
        String mistaken = recipe(slug, "http.requets", "no-such-connection");
        type(mistaken);
        JsonNode expected = api.postYaml("/api/v1/recipes/validate", mistaken).json().path("errors");
        assertThat(expected).hasSize(2);
        browser.eventually().until(() -> problems().size() == 2);
        List<WebElement> problems = problems();
        for (int i = 0; i < 2; i++) {
            assertThat(problems.get(i).getAttribute("data-line")).isEqualTo(expected.get(i).path("line").asString());
            assertThat(problems.get(i).getText()).contains(expected.get(i).path("message").asString());
        }
        assertThat(expected.get(0).path("line").asInt()).isEqualTo(9);
        assertThat(expected.get(1).path("line").asInt()).isEqualTo(18);
        // the marks sit in the editor on those lines: the misspelt word and the unknown connection
        browser.eventually().until(() -> browser.all(By.cssSelector(".cm-content .cm-lintRange-error")).size() == 2);
        List<String> marked = browser.all(By.cssSelector(".cm-content .cm-lintRange-error")).stream().map(WebElement::getText).toList();
        assertThat(marked).containsExactly("http.requets", "no-such-connection");
        assertThat(browser.all(By.cssSelector(".cm-gutter-lint .cm-lint-marker-error"))).hasSize(2);
        assertThat(browser.waitFor(By.cssSelector("[data-testid=save]")).isEnabled()).isFalse();
        browser.screenshot("studio-lint");

        // Fixed: no problems, the graph draws trigger + 6 steps (if with both branches, foreach with its body).
        type(recipe(slug, "http.request", "studio-alerts"));
        browser.eventually().until(() -> browser.driver().findElement(By.cssSelector("[data-testid=problems]")).getText().contains("No problems"));
        browser.eventually().until(() -> graphNodes().size() == 7);
        assertThat(browser.driver().findElement(By.cssSelector("[data-testid=graph]")).getAttribute("data-nodes")).isEqualTo("7");
        browser.eventually().until(() -> "yes".equals(browser.driver().findElement(By.cssSelector("[data-testid=graph]")).getAttribute("data-laid-out")));
        // React Flow shows a node (getText() is empty before) once it has measured it
        browser.eventually().until(() -> browser.all(By.cssSelector("[data-testid=graph-node][data-kind=foreach]")).getFirst().getText().contains("chunk 1"));
        browser.screenshot("studio-branching");

        // Add an http.request step from the palette: the YAML gets it with the action's example, the comment stays.
        JsonNode example = httpRequestExample();
        browser.waitFor(By.cssSelector("[data-testid=palette] button[data-action='http.request']")).click();
        browser.eventually().until(() -> graphNodes().size() == 8);
        String yaml = text();
        assertThat(yaml).contains("  # Ask the CRM about the customer first: every later step uses it.\n  - id: customer\n");
        assertThat(yaml).contains("  - id: request\n    action: http.request\n    with:\n");
        String added = yaml.substring(yaml.indexOf("  - id: request"));
        for (var field : example.properties()) {
            assertThat(added).contains(field.getKey() + ":");
        }
        // its form (from the action's input schema) points it at a failing endpoint
        WebElement url = browser.waitFor(By.cssSelector("[data-testid=step-panel] input[name=url]"));
        browser.replaceText(url, stub.url("/fail"));
        WebElement apply = browser.driver().findElement(By.xpath("//button[normalize-space()='Apply to YAML']"));
        assertThat(apply.isEnabled()).as("Apply to YAML is enabled once a field changed").isTrue();
        apply.click();
        browser.eventually().until(() -> text().contains("url: " + stub.url("/fail")));
        assertThat(text()).contains("  # Ask the CRM about the customer first: every later step uses it.\n  - id: customer\n");

        // Test run with a sample: the nodes are painted, the failed step shows why, a node shows its output.
        browser.driver().findElement(By.cssSelector("[data-testid=tab-test]")).click();
        WebElement body = browser.waitFor(By.cssSelector("textarea[name=trigger-body]"));
        browser.replaceText(body, "{\"customerId\": 42, \"amount\": 5000, \"items\": [{\"qty\": 1}, {\"qty\": 3}]}");
        browser.driver().findElement(By.cssSelector("[data-testid=test-run]")).click();
        browser.waitFor(By.cssSelector("[data-testid=test-result]"));
        assertThat(browser.driver().findElement(By.cssSelector("[data-testid=test-result]")).getAttribute("data-status")).isEqualTo("failed");
        browser.eventually().until(() -> "failed".equals(nodeStatus("request")));
        assertThat(nodeStatus("customer")).isEqualTo("succeeded");
        assertThat(nodeStatus("alert")).isEqualTo("succeeded");
        assertThat(nodeStatus("price")).isEqualTo("succeeded");
        assertThat(nodeStatus("note")).isEmpty();
        assertThat(browser.driver().findElement(By.cssSelector("[data-testid=test-error]")).getText()).contains("request", "500");
        clickNode("customer");
        assertThat(browser.waitFor(By.cssSelector("[data-testid=step-run]")).getText()).contains("Acme");
        browser.screenshot("studio-test-run");

        // Save: the review shows the diff; the recipe is created as v1 and the studio goes on editing it.
        String v1 = text();
        browser.driver().findElement(By.cssSelector("[data-testid=save]")).click();
        browser.waitFor(By.cssSelector("[data-testid=save-diff]"));
        browser.driver().findElement(By.cssSelector("[data-testid=confirm-save]")).click();
        browser.eventually().until(() -> browser.driver().getCurrentUrl().endsWith("/recipes/" + slug + "/edit"));
        browser.eventually().until(() -> browser.driver().findElement(By.cssSelector("[data-testid=studio-version]")).getText().startsWith("v1"));
        assertThat(api.get("/api/v1/recipes/" + slug, "application/yaml").body()).isEqualTo(v1);

        // Edit again and save: v2, and the versions page's diff shows the change.
        browser.waitFor(By.cssSelector(".cm-content"));
        type(text().replace("message: \"small order\"", "message: \"small order, logged only\""));
        browser.eventually().until(() -> browser.driver().findElement(By.cssSelector("[data-testid=save]")).isEnabled());
        browser.driver().findElement(By.cssSelector("[data-testid=save]")).click();
        WebElement diff = browser.waitFor(By.cssSelector("[data-testid=save-diff]"));
        assertThat(diff.getText()).contains("small order, logged only");
        browser.screenshot("studio-save-diff");
        browser.driver().findElement(By.cssSelector("[data-testid=confirm-save]")).click();
        browser.eventually().until(() -> browser.driver().findElement(By.cssSelector("[data-testid=saved]")).getText().contains("v2"));
        browser.open("/recipes/" + slug);
        browser.waitFor(By.xpath("//button[normalize-space()='Show differences']")).click();
        WebElement versions = browser.waitFor(By.cssSelector("[data-testid=version-diff]"));
        assertThat(versions.getText()).contains("small order, logged only");
        browser.script("arguments[0].scrollIntoView({block: 'center'})", versions);
        browser.screenshot("studio-versions-diff");

        // Two people edit v2; the other saves first; this one's save meets the conflict, nothing is overwritten.
        browser.open("/recipes/" + slug + "/edit");
        browser.waitFor(By.cssSelector(".cm-content"));
        try (Browser other = new Browser(port, 1280, 800)) {
            other.signIn("admin", ADMIN_PASSWORD);
            other.open("/recipes/" + slug + "/edit");
            other.waitFor(By.cssSelector(".cm-content"));
            String theirs = typeIn(other, textIn(other).replace("chunk: 1", "chunk: 2"));
            other.eventually().until(() -> other.driver().findElement(By.cssSelector("[data-testid=save]")).isEnabled());
            other.driver().findElement(By.cssSelector("[data-testid=save]")).click();
            other.waitFor(By.cssSelector("[data-testid=confirm-save]")).click();
            other.eventually().until(() -> other.driver().findElement(By.cssSelector("[data-testid=saved]")).getText().contains("v3"));
            assertThat(api.get("/api/v1/recipes/" + slug, "application/yaml").body()).isEqualTo(theirs);

            type(text().replace("as: item", "as: line").replace("item.qty", "line.qty"));
            browser.eventually().until(() -> browser.driver().findElement(By.cssSelector("[data-testid=save]")).isEnabled());
            browser.driver().findElement(By.cssSelector("[data-testid=save]")).click();
            browser.waitFor(By.cssSelector("[data-testid=confirm-save]")).click();
            WebElement conflict = browser.waitFor(By.cssSelector("[data-testid=conflict]"));
            assertThat(conflict.getText()).contains("v3").contains("chunk: 2").contains("as: line");
            browser.screenshot("studio-conflict");
            // nothing was overwritten
            assertThat(api.get("/api/v1/recipes/" + slug, "application/yaml").body()).isEqualTo(theirs);
            assertThat(api.get("/api/v1/recipes/" + slug).json().path("version").asInt()).isEqualTo(3);
            // knowingly on top of theirs: saved as v4
            browser.driver().findElement(By.xpath("//button[starts-with(normalize-space(), 'Keep mine on top of v3')]")).click();
            browser.driver().findElement(By.cssSelector("[data-testid=save]")).click();
            browser.waitFor(By.cssSelector("[data-testid=confirm-save]")).click();
            browser.eventually().until(() -> browser.driver().findElement(By.cssSelector("[data-testid=saved]")).getText().contains("v4"));
            assertThat(api.get("/api/v1/recipes/" + slug, "application/yaml").body()).contains("as: line").doesNotContain("chunk: 2");
        }
    }

    @Test
    void aNewRecipeStartsFromASampleAndItsGraphDrawsAtOnce() {
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/recipes/new");
        browser.waitFor(By.cssSelector("[data-testid=samples] button[data-sample=order-fanout]")).click();
        browser.waitFor(By.cssSelector(".cm-content"));
        assertThat(text()).contains("slug: order-fanout-copy").contains("# Fans an order out into its lines");
        browser.eventually().until(() -> graphNodes().size() == 5);
        assertThat(browser.all(By.cssSelector("[data-testid=graph-node][data-id=lineTotal]"))).hasSize(1);
        // a node click shows its step and highlights its line in the editor
        clickNode("summary");
        assertThat(browser.waitFor(By.cssSelector("[data-testid=step-panel]")).getText()).contains("summary", "core.transform");
        assertThat(browser.driver().findElement(By.cssSelector(".cm-activeLine")).getText()).contains("id: summary");
        new Select(browser.driver().findElement(By.cssSelector("select[aria-label='Move into']"))).selectByVisibleText("lines → steps");
        browser.driver().findElement(By.xpath("//button[normalize-space()='Move']")).click();
        browser.eventually().until(() -> text().contains("      - id: summary\n        action: core.transform\n"));
        browser.eventually().until(() -> "lines".equals(graphParent("summary")));
    }

    @Test
    void completionsOfferWhatTheServersSchemaAllowsAtTheCursor() {
        browser.signIn("admin", ADMIN_PASSWORD);
        browser.open("/recipes/new");
        browser.waitFor(By.cssSelector("[data-testid=new-blank]")).click();
        browser.waitFor(By.cssSelector(".cm-content"));
        type("slug: completing\nname: Completing\ntrigger:\n  webhook:\n    ");
        WebElement content = browser.driver().findElement(By.cssSelector(".cm-content"));
        content.click();
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.SPACE));
        // the webhook's settings, from GET /api/v1/schema/recipe.json
        browser.eventually().until(() -> offered().containsAll(List.of("idempotencyKey", "dedupe", "respond", "rateLimit", "secret")));
        browser.screenshot("studio-completion");
        content.sendKeys("rateL");
        browser.eventually().until(() -> offered().equals(List.of("rateLimit")));
        content.sendKeys(Keys.ENTER);
        browser.eventually().until(() -> text().endsWith("    rateLimit: "));
    }

    private List<String> offered() {
        return browser.all(By.cssSelector(".cm-tooltip-autocomplete li .cm-completionLabel")).stream().map(WebElement::getText).toList();
    }

    private JsonNode httpRequestExample() {
        for (JsonNode connector : api.get("/api/v1/connectors").json().path("items")) {
            for (JsonNode action : connector.path("actions")) {
                if ("http.request".equals(action.path("name").asString())) {
                    return action.path("example").path("with");
                }
            }
        }
        throw new AssertionError("http.request is not in the catalogue");
    }

    private void type(String yaml) {
        typeIn(browser, yaml);
    }

    private static String typeIn(Browser b, String yaml) {
        b.script("document.querySelector('.studio-editor').studioEditor.setText(arguments[0])", yaml);
        return yaml;
    }

    private String text() {
        return textIn(browser);
    }

    private static String textIn(Browser b) {
        return (String) b.script("return document.querySelector('.studio-editor').studioEditor.getText()");
    }

    private List<WebElement> problems() {
        return browser.all(By.cssSelector("[data-testid=problems][data-checked=yes] li"));
    }

    private List<WebElement> graphNodes() {
        return browser.all(By.cssSelector("[data-testid=graph-node]"));
    }

    private WebElement node(String id) {
        return browser.driver().findElement(By.cssSelector("[data-testid=graph-node][data-id='" + id + "']"));
    }

    /** Clicks a node once the graph is laid out (a new layout draws the nodes anew). */
    private void clickNode(String id) {
        browser.eventually().until(() -> "yes".equals(browser.driver().findElement(By.cssSelector("[data-testid=graph]")).getAttribute("data-laid-out")));
        browser.eventually().until(() -> {
            node(id).click();
            return true;
        });
    }

    private String nodeStatus(String id) {
        return node(id).getAttribute("data-status");
    }

    private String graphParent(String id) {
        return node(id).getAttribute("data-parent");
    }

}
