package dev.braid.app.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;
import dev.braid.app.support.StubServer.Reply;
import tools.jackson.databind.JsonNode;

/**
 * The web UI in real headless Chromium (Debian's chromium and chromedriver, DESIGN §7) against this test
 * server with real runs: sign in, filter runs, find why a run failed, bulk-replay dead letters after the
 * target is fixed, create a connection with a secret, and a viewer sees no write buttons. Each page is
 * saved as a screenshot under target/screenshots/.
 */
class WebUiIT extends BraidIntegrationTest {

    private static final Path CHROMEDRIVER = Path.of(System.getProperty("braid.chromedriver", "/usr/bin/chromedriver"));
    private static final Path CHROMIUM = Path.of(System.getProperty("braid.chromium", "/usr/bin/chromium"));
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration UI_WAIT = Duration.ofSeconds(15);

    private static ChromeDriverService service;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (apt-get install chromium chromium-driver; .ci/run does)").isExecutable();
        assertThat(CHROMIUM).as("Debian's chromium").isExecutable();
        Files.createDirectories(SCREENSHOTS);
        // The driver and the browser are named, so Selenium Manager never looks for (or downloads) either.
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
                "--window-size=1280,800");
        browser = new ChromeDriver(service, options);
        // The page itself is 1280×800 (the window size counts the browser's own bars).
        browser.get("about:blank");
        long innerHeight = (Long) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return window.innerHeight");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800 + (800 - (int) innerHeight)));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void anOperatorFiltersRunsByStatusAndSeesWhyARunFailed() {
        String ok = "ui-ok-" + System.nanoTime();
        String failing = "ui-failing-" + System.nanoTime();
        stub.reply("/crm", n -> Reply.json(422, "{\"error\":\"customer 42 is unknown\"}"));
        saveRecipe(ok, "core.transform", "{ value: \"{{ trigger.body.n * 2 }}\" }");
        saveRecipe(failing, "http.request", "{ method: POST, url: \"" + stub.url("/crm") + "\", body: \"{{ trigger.body }}\" }");
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(braid.webhook(ok, "{\"n\": " + i + "}"));
        }
        String failedRun = braid.webhook(failing, "{\"customerId\": 42}");
        runs.add(failedRun);
        runs.forEach(braid::awaitEnd);
        assertThat(braid.status(failedRun)).isEqualTo("failed");

        // A deep link opened before signing in lands where it pointed after the sign-in.
        browser.manage().deleteAllCookies();
        open("/runs?recipe=" + failing);
        signIn("admin", ADMIN_PASSWORD);
        waitFor(By.cssSelector("[data-testid=runs] tbody tr"));
        assertThat(browser.getCurrentUrl()).endsWith("/runs?recipe=" + failing);
        assertThat(rowStatuses()).containsExactly("failed");

        open("/runs?recipe=" + ok);
        waitFor(By.cssSelector("[data-testid=runs] tbody tr"));
        new Select(browser.findElement(By.cssSelector("select[name=status]"))).selectByValue("failed");
        eventually().until(() -> browser.getCurrentUrl().endsWith("/runs?recipe=" + ok + "&status=failed"));
        waitFor(By.cssSelector(".empty"));
        assertThat(browser.findElement(By.cssSelector(".empty")).getText()).contains("No runs match");

        new Select(browser.findElement(By.cssSelector("select[name=recipe]"))).selectByValue("");
        eventually().until(() -> browser.getCurrentUrl().endsWith("/runs?status=failed"));
        eventually().until(() -> !rowStatuses().isEmpty() && rowStatuses().stream().allMatch("failed"::equals));
        screenshot("runs-filtered-failed");

        open("/runs?recipe=" + failing);
        waitFor(By.cssSelector("[data-testid=runs] tbody tr a.mono")).click();
        WebElement error = waitFor(By.cssSelector("[data-testid=run-error]"));
        assertThat(error.getText()).contains("call", "422");
        WebElement stepError = waitFor(By.cssSelector("[data-testid=step-error]"));
        assertThat(stepError.getText()).contains("422");
        // The failed step opens by itself with its input: what was sent.
        assertThat(browser.findElement(By.cssSelector(".step-failed .step-detail")).getText()).contains("customerId", "42");
        assertThat(browser.findElements(By.xpath("//button[normalize-space()='Retry now']"))).hasSize(1);
        screenshot("run-failed");

        open("/");
        waitFor(By.cssSelector("[data-testid=outcome-chart] canvas"));
        // A figure for the note (DESIGN §9 budget: dashboard first paint ≤ 1 s), printed, never asserted.
        Object paint = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? Math.round(p.startTime) : null");
        System.out.println("web-ui figure: dashboard first contentful paint " + paint + " ms (headless Chromium, shared 2-core machine)");
        eventually().until(() -> !tile("tile-failed").equals("…"));
        Object filled = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return Math.round(performance.now())");
        System.out.println("web-ui figure: dashboard tiles filled within " + filled + " ms of navigation (upper bound: includes the test's polling)");
        ApiClient.Response stats = api.get("/api/v1/stats?window=1h");
        if (stats.status() == 200) {
            // The dashboard's totals are the stats API's (polled: the rollups may fold a moment later).
            eventually().untilAsserted(() -> {
                JsonNode totals = api.get("/api/v1/stats?window=1h").json().path("totals");
                assertThat(tile("tile-succeeded")).isEqualTo(totals.path("succeeded").asString());
                assertThat(tile("tile-failed")).isEqualTo(totals.path("failed").asString());
                assertThat(tile("tile-runs")).isEqualTo(totals.path("started").asString());
            });
        } else {
            // Without the stats API the tiles count the window's newest runs: this test's failure is among them.
            assertThat(stats.status()).isEqualTo(404);
            assertThat(Integer.parseInt(tile("tile-failed"))).isGreaterThanOrEqualTo(1);
        }
        screenshot("dashboard");

        open("/recipes");
        waitFor(By.cssSelector("[data-testid=recipes] tbody tr"));
        screenshot("recipes");
        open("/recipes/" + failing);
        waitFor(By.cssSelector("[data-testid=recipe-source]"));
        eventually().until(() -> browser.findElement(By.cssSelector("[data-testid=recipe-source]")).getText().contains("slug: " + failing));
        screenshot("recipe");
    }

    @Test
    void twentyDeadLettersAreReplayedInBulkAfterTheTargetIsFixed() {
        String slug = "ui-replay-" + System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean fixed = new java.util.concurrent.atomic.AtomicBoolean();
        stub.reply("/erp", n -> fixed.get() ? Reply.json(200, "{\"ok\":true}") : Reply.json(400, "{\"error\":\"sku missing\"}"));
        saveRecipe(slug, "http.request", "{ method: POST, url: \"" + stub.url("/erp") + "\", body: \"{{ trigger.body }}\" }");
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            failed.add(braid.webhook(slug, "{\"order\": " + i + "}"));
        }
        failed.forEach(id -> assertThat(braid.awaitEnd(id).path("status").asString()).isEqualTo("failed"));

        signInAgain("admin", ADMIN_PASSWORD);
        open("/dead-letters?recipe=" + slug);
        eventually().until(() -> browser.findElements(By.cssSelector("[data-testid=dead-letters] tbody tr")).size() == 20);
        assertThat(browser.findElement(By.cssSelector(".groups")).getText()).contains("20");
        screenshot("dead-letters");

        // Filtered to one recipe, no column repeats its name.
        List<String> headers = browser.findElements(By.cssSelector("[data-testid=dead-letters] thead th")).stream()
                .map(WebElement::getText).toList();
        assertThat(headers).contains("Step", "Error").doesNotContain("Recipe");

        fixed.set(true);
        browser.findElement(By.cssSelector("input[aria-label='Select all on this page']")).click();
        assertThat(browser.findElement(By.cssSelector("[data-testid=selected-count]")).getText()).isEqualTo("20 selected");
        browser.findElement(By.cssSelector("[data-testid=replay-selected]")).click();
        // A tracked job: its progress, then its summary with no failed item.
        WebElement job = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> browser.findElement(By.cssSelector("[data-testid=job][data-status=finished]")), e -> true);
        assertThat(job.findElement(By.cssSelector("[data-testid=job-summary]")).getText()).isEqualTo("Replay: 20 replayed");
        assertThat(job.findElements(By.cssSelector("[data-testid=job-failures]"))).isEmpty();
        screenshot("dead-letters-replayed");
        JsonNode tracked = api.get("/api/v1/jobs?limit=1").json().path("items").get(0);
        assertThat(tracked.path("action").asString()).isEqualTo("dead-letters.replay");
        assertThat(tracked.path("total").asInt()).isEqualTo(20);
        assertThat(tracked.path("succeeded").asInt()).isEqualTo(20);
        assertThat(tracked.path("failed").asInt()).isZero();

        JsonNode page = api.get("/api/v1/dead-letters?recipe=" + slug + "&limit=100").json();
        assertThat(page.path("items")).hasSize(20);
        for (JsonNode deadLetter : page.path("items")) {
            assertThat(deadLetter.path("status").asString()).isEqualTo("replayed");
            assertThat(braid.awaitEnd(deadLetter.path("replayRunId").asString()).path("status").asString()).isEqualTo("succeeded");
        }
        // The open list empties; the replays show as succeeded in the UI.
        open("/dead-letters?recipe=" + slug);
        waitFor(By.cssSelector(".empty"));
        open("/runs?recipe=" + slug + "&status=succeeded");
        eventually().until(() -> rowStatuses().size() == 20 && rowStatuses().stream().allMatch("succeeded"::equals));
    }

    @Test
    void runsAreFilteredByABusinessKeyAndNewRunsAppearLive() {
        String slug = "ui-keys-" + System.nanoTime();
        ApiClient.Response created = braid.saveRecipe("""
                slug: %s
                name: UI keys
                trigger:
                  webhook: {}
                index:
                  orderId: "trigger.body.orderId"
                steps:
                  - id: echo
                    action: core.transform
                    with: { value: "{{ trigger.body }}" }
                """.formatted(slug));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        for (int i = 0; i < 5; i++) {
            braid.awaitEnd(braid.webhook(slug, "{\"orderId\": \"A-" + i + "\"}"));
        }
        String wanted = braid.webhook(slug, "{\"orderId\": \"B-7\"}");
        braid.awaitEnd(wanted);

        signInAgain("admin", ADMIN_PASSWORD);
        open("/runs?recipe=" + slug);
        eventually().until(() -> rowStatuses().size() == 6);
        WebElement keyName = browser.findElement(By.cssSelector("input[name=keyName]"));
        // The recipe's index: names are offered.
        eventually().until(() -> browser.findElements(By.cssSelector("datalist#known-keys option[value=orderId]")).size() == 1);
        keyName.sendKeys("orderId");
        browser.findElement(By.cssSelector("input[name=keyValue]")).sendKeys("B-7");
        browser.findElement(By.xpath("//button[normalize-space()='Add key filter']")).click();
        eventually().until(() -> browser.getCurrentUrl().endsWith("/runs?recipe=" + slug + "&key.orderId=B-7"));
        eventually().until(() -> rowStatuses().size() == 1);
        assertThat(browser.findElement(By.cssSelector("[data-testid=runs] tbody a.mono")).getAttribute("href")).endsWith("/runs/" + wanted);
        assertThat(browser.findElement(By.cssSelector("[data-testid=key-filter]")).getText()).contains("orderId", "B-7");
        screenshot("runs-business-key");

        // Live: a run started now appears at the top of the filtered list without a reload (the fallback poll is 60 s).
        eventually().until(() -> browser.findElement(By.cssSelector("[data-testid=live]")).getText().contains("live"));
        // A body of its own: the same body again would be a duplicate delivery (no new run).
        String second = braid.webhook(slug, "{\"orderId\": \"B-7\", \"line\": 2}");
        braid.webhook(slug, "{\"orderId\": \"C-9\"}");
        eventually().until(() -> rowStatuses().size() == 2);
        assertThat(browser.findElement(By.cssSelector("[data-testid=runs] tbody a.mono")).getAttribute("href")).endsWith("/runs/" + second);
        eventually().until(() -> rowStatuses().getFirst().equals("succeeded"));

        // The run page links its business keys back to the filtered explorer.
        open("/runs/" + wanted);
        waitFor(By.cssSelector("a.chip")).click();
        eventually().until(() -> browser.getCurrentUrl().endsWith("/runs?recipe=" + slug + "&key.orderId=B-7"));
    }

    @Test
    void aSecretSetFromTheSecretsPageIsStoredAndNeverReturned() {
        String name = "UI_SECRET_" + System.nanoTime();
        String value = "ui-secret-value-" + System.nanoTime();
        signInAgain("admin", ADMIN_PASSWORD);
        open("/secrets");
        WebElement form = waitFor(By.cssSelector("form[aria-label='Set a secret']"));
        form.findElement(By.cssSelector("input[name=name]")).sendKeys(name);
        WebElement input = form.findElement(By.cssSelector("input[name=value]"));
        assertThat(input.getAttribute("type")).isEqualTo("password");
        input.sendKeys(value);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        eventually().until(() -> browser.findElement(By.cssSelector("[data-testid=secrets]")).getText().contains(name));
        assertThat(browser.getPageSource()).doesNotContain(value);
        screenshot("secrets");

        ApiClient.Response one = api.get("/api/v1/secrets/" + name);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body()).contains(name).doesNotContain(value);
        assertThat(api.get("/api/v1/secrets").body()).contains(name).doesNotContain(value);
        // Stored: a recipe reads it.
        String slug = "ui-secret-reader-" + System.nanoTime();
        saveRecipe(slug, "core.transform", "{ value: \"{{ secrets." + name + " = '" + value + "' }}\" }");
        JsonNode run = braid.awaitStatus(braid.webhook(slug, "{}"), "succeeded");
        assertThat(run.path("output").path("value").asBoolean()).as(run.toString()).isTrue();

        // Replaced from the page, still write-only.
        browser.findElement(By.xpath("//button[normalize-space()='Replace']")).click();
        waitFor(By.cssSelector("form[aria-label='Set a secret'] input[name=value]")).sendKeys("replaced-" + value);
        browser.findElement(By.cssSelector("form[aria-label='Set a secret'] button[type=submit]")).click();
        waitFor(By.cssSelector("[data-testid=secret-saved]"));
        assertThat(browser.getPageSource()).doesNotContain("replaced-" + value);
    }

    @Test
    void aConnectionIsCreatedWithASecretThatIsStoredAndNeverReturned() {
        String name = "ui-db-" + System.nanoTime();
        signInAgain("admin", ADMIN_PASSWORD);
        open("/connections");
        waitFor(By.xpath("//button[normalize-space()='New connection']")).click();
        new Select(waitFor(By.cssSelector("select[name=connector]"))).selectByValue("sql");
        browser.findElement(By.cssSelector("input[name=name]")).sendKeys(name);
        browser.findElement(By.cssSelector("input[name=url]")).sendKeys("jdbc:postgresql://127.0.0.1:5432/shop");
        browser.findElement(By.cssSelector("input[name=username]")).sendKeys("shop");
        WebElement password = browser.findElement(By.cssSelector("input[name=password]"));
        assertThat(password.getAttribute("type")).isEqualTo("password");
        password.sendKeys("s3cret-from-the-ui");
        screenshot("connection-form");
        browser.findElement(By.xpath("//button[normalize-space()='Create']")).click();
        eventually().until(() -> browser.findElement(By.cssSelector("[data-testid=connections]")).getText().contains(name));
        assertThat(browser.findElement(By.cssSelector("[data-testid=connections]")).getText()).contains("password: set")
                .doesNotContain("s3cret-from-the-ui");
        screenshot("connections");

        ApiClient.Response stored = api.get("/api/v1/connections/" + name);
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.json().path("secretFields").toString()).isEqualTo("[\"password\"]");
        assertThat(stored.json().path("settings").has("password")).isFalse();
        assertThat(stored.body()).doesNotContain("s3cret-from-the-ui");
        assertThat(jdbc.sql("select count(*) from connections where name = ?").param(name).query(Long.class).single()).isEqualTo(1L);

        // Its test says why it does not work, without the password.
        browser.findElements(By.cssSelector("[data-testid=connections] tbody tr")).stream()
                .filter(r -> r.getText().contains(name)).findFirst().orElseThrow()
                .findElement(By.xpath(".//button[normalize-space()='Test']")).click();
        WebElement tested = await().atMost(Duration.ofSeconds(40)).ignoreExceptions()
                .until(() -> browser.findElement(By.cssSelector("[data-testid=connection-test]")), e -> true);
        assertThat(tested.getText()).contains(name, "does not work", "select 1 failed").doesNotContain("s3cret-from-the-ui");
        screenshot("connection-tested");
    }

    @Test
    void aViewerSeesNoWriteButtons() {
        String viewer = "viewer" + System.nanoTime();
        assertThat(api.postJson("/api/v1/users", Map.of("username", viewer, "password", "viewer-password-1", "roles", List.of("viewer")))
                .status()).isEqualTo(201);
        String slug = "ui-viewer-" + System.nanoTime();
        stub.reply("/v", n -> Reply.json(400, "{}"));
        saveRecipe(slug, "http.request", "{ method: POST, url: \"" + stub.url("/v") + "\" }");
        String run = braid.webhook(slug, "{}");
        braid.awaitEnd(run);

        signInAgain(viewer, "viewer-password-1");
        assertThat(waitFor(By.cssSelector("[data-testid=user]")).getText()).contains(viewer, "viewer");
        open("/runs?recipe=" + slug);
        waitFor(By.cssSelector("[data-testid=runs] tbody tr"));
        assertThat(browser.findElements(By.cssSelector("[data-testid=runs] input[type=checkbox]"))).isEmpty();
        assertNoButtons("Retry selected", "Cancel selected");
        screenshot("runs-viewer");

        open("/runs/" + run);
        waitFor(By.cssSelector("[data-testid=run-error]"));
        assertNoButtons("Retry now", "Cancel run");

        open("/dead-letters?recipe=" + slug);
        waitFor(By.cssSelector("[data-testid=dead-letters] tbody tr"));
        assertNoButtons("Replay selected", "Discard selected", "Edit & replay");
        assertThat(browser.findElements(By.cssSelector("[data-testid=dead-letters] input[type=checkbox]"))).isEmpty();

        open("/recipes");
        waitFor(By.cssSelector("[data-testid=recipes] tbody tr"));
        assertThat(browser.findElements(By.cssSelector("[data-testid=recipes] input[type=checkbox]"))).isEmpty();
        open("/recipes/" + slug);
        waitFor(By.cssSelector("[data-testid=recipe-source]"));
        assertNoButtons("Disable", "Enable", "Restore");

        open("/connections");
        waitFor(By.cssSelector("[data-testid=connections]"));
        assertNoButtons("New connection", "Edit", "Delete", "Test");
        open("/secrets");
        waitFor(By.cssSelector("h1"));
        assertThat(browser.findElements(By.cssSelector("form[aria-label='Set a secret']"))).isEmpty();
        assertNoButtons("Replace", "Set secret");
        // Admin pages are not offered to a viewer; their own tokens are.
        List<String> nav = browser.findElements(By.cssSelector("nav a")).stream().map(WebElement::getText).toList();
        assertThat(nav).contains("Runs", "Dead letters", "Tokens").doesNotContain("Users", "Audit");
    }

    @Test
    void anAdminManagesUsersTokensAndReadsTheAuditLog() {
        signInAgain("admin", ADMIN_PASSWORD);
        open("/users");
        waitFor(By.cssSelector("[data-testid=users] tbody tr"));
        String name = "ops" + System.nanoTime();
        browser.findElement(By.cssSelector("form[aria-label='New user'] input[name=username]")).sendKeys(name);
        browser.findElement(By.cssSelector("form[aria-label='New user'] input[name=password]")).sendKeys("operator-password-1");
        browser.findElement(By.cssSelector("form[aria-label='New user'] input[value=operator]")).click();
        browser.findElement(By.xpath("//button[normalize-space()='Add user']")).click();
        eventually().until(() -> browser.findElement(By.cssSelector("[data-testid=users]")).getText().contains(name));
        assertThat(api.get("/api/v1/users/" + name).json().path("roles").toString()).contains("operator", "viewer");
        screenshot("users");

        open("/tokens");
        waitFor(By.cssSelector("form[aria-label='New token'] input[name=name]")).sendKeys("ui-test-token");
        browser.findElement(By.xpath("//button[normalize-space()='Create token']")).click();
        String token = waitFor(By.cssSelector("[data-testid=issued-token]")).getText();
        assertThat(token).startsWith("brd_");
        assertThat(ApiClient.bearer(port, token).get("/api/v1/recipes").status()).isEqualTo(200);
        screenshot("tokens");

        open("/audit?user=admin");
        eventually().until(() -> browser.findElement(By.cssSelector("[data-testid=audit]")).getText().contains("/api/v1/users"));
        screenshot("audit");
    }

    @Test
    void theDashboardShowsEachTriggersHealth() {
        String suffix = Long.toString(System.nanoTime());
        String topic = "ui-health-" + suffix;
        try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer = dev.braid.app.support.TestKafka.producer()) {
            for (int i = 0; i < 1204; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "{\"n\": " + i + "}"));
            }
            producer.flush();
        }
        String kafka = "ui-kafka-" + suffix;
        String schedule = "ui-nightly-" + suffix;
        String poll = "ui-poll-" + suffix;
        String hook = "ui-hook-" + suffix;
        List<String> slugs = List.of(kafka, schedule, poll, hook);
        braid.saveSecret("UI_HOOK_SECRET", "whsec-ui");
        jdbc.sql("create schema if not exists ui_health").update();
        jdbc.sql("create table if not exists ui_health.orders (id integer primary key, item text not null)").update();
        jdbc.sql("insert into ui_health.orders select g, 'item ' || g from generate_series(1, 42) g on conflict do nothing").update();
        String connection = """
                {"name": "ui-health-db", "connector": "sql", "settings": {"url": "%s", "username": "postgres",
                 "password": "postgres", "schema": "ui_health"}}""".formatted(dev.braid.app.support.TestDatabase.jdbcUrl());
        assertThat(api.post("/api/v1/connections", "application/json", connection).status()).isIn(200, 201);
        String step = """
                steps:
                  - { id: noop, action: core.transform, with: { value: 1 } }
                """;
        // A micro-batch that waits long commits nothing meanwhile: the board shows the lag.
        braid.saveRecipe("slug: " + kafka + "\nname: Orders from Kafka\ntrigger:\n  kafka: { topic: " + topic
                + ", startFrom: earliest, batch: { maxSize: 5000, maxWait: 5m } }\n" + step);
        braid.saveRecipe("slug: " + schedule + "\nname: Nightly report\ntrigger:\n  schedule: { cron: \"0 5 14 * * *\", timezone: UTC }\n" + step);
        braid.saveRecipe("slug: " + poll + "\nname: Polled orders\ntrigger:\n  poll: { connection: ui-health-db, every: 1m, "
                + "query: \"select id, item from orders where id > :cursor order by id\", cursor: id, initialCursor: 0 }\n" + step);
        braid.saveRecipe("slug: " + hook + "\nname: Signed shop webhook\ntrigger:\n  webhook: { secret: \"{{ secrets.UI_HOOK_SECRET }}\" }\n" + step);
        for (int i = 0; i < 3; i++) {
            assertThat(anonymous.post("/hooks/" + hook, Map.of("Content-Type", "application/json", "X-Braid-Signature",
                    "t=" + java.time.Instant.now().getEpochSecond() + ",sha256=" + "0".repeat(64)), "{}".getBytes()).status()).isEqualTo(401);
        }
        try {
            signInAgain("admin", ADMIN_PASSWORD);
            open("/");
            waitFor(By.cssSelector("[data-testid=trigger-health]"));
            // The board refreshes every 10 s, the server reads it every 5 s: the figures arrive within a few rounds.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(boardRow(kafka)).contains("lag 1,204 messages");
                assertThat(boardRow(schedule)).contains("next fire ", "14:05, 0 missed");
                assertThat(boardRow(poll)).contains("cursor 42", "next poll in");
                assertThat(boardRow(hook)).contains("24 h: 3×401, 0×429, 0×413");
                // 1,204 waiting is above braid.trigger-health.kafka-lag (1,000) once a consumer holds the partition.
                assertThat(rowState(kafka)).isEqualTo("lagging");
            });
            for (String slug : List.of(schedule, poll, hook)) {
                assertThat(rowState(slug)).isEqualTo("ok");
            }
            assertThat(browser.findElement(By.cssSelector("[data-testid=trigger-health] tr[data-recipe='" + kafka + "'] a"))
                    .getAttribute("href")).endsWith("/recipes/" + kafka);
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "document.querySelector('[data-testid=trigger-health]').scrollIntoView()");
            screenshot("dashboard-trigger-health");
        } finally {
            slugs.forEach(slug -> api.post("/api/v1/recipes/" + slug + "/disable", "application/json", ""));
        }
    }

    private String boardRow(String slug) {
        return browser.findElement(By.cssSelector("[data-testid=trigger-health] tr[data-recipe='" + slug + "']")).getText();
    }

    private String rowState(String slug) {
        return browser.findElement(By.cssSelector("[data-testid=trigger-health] tr[data-recipe='" + slug + "'] [data-testid=trigger-state]")).getText();
    }

    @Test
    void anOperatorSeesTheNodesOfTheClusterAndWhichOneIsDead() {
        // A node that stopped sending heartbeats a minute ago, as a SIGKILL leaves it (test set-up, not the writer's path).
        String gone = "gone-host:" + Long.toHexString(System.nanoTime());
        jdbc.sql("""
                insert into cluster_nodes (node_id, address, version, started_at, heartbeat_at, readers)
                values (?, 'gone-host:8080', 'development', now() - interval '1 hour', now() - interval '1 minute',
                        '{"cdcSources": [], "pollRecipes": [], "kafkaPartitions": [], "quartzInstance": "gone-quartz"}'::jsonb)""")
                .param(gone).update();
        try {
            signInAgain("admin", ADMIN_PASSWORD);
            open("/cluster");
            eventually().until(() -> browser.findElements(By.cssSelector("[data-testid=cluster-node]")).size() >= 2);
            WebElement self = browser.findElement(By.xpath("//tr[@data-testid='cluster-node'][.//*[contains(., '(this node)')]]"));
            assertThat(self.getAttribute("data-state")).isEqualTo("alive");
            assertThat(self.getText()).contains("Quartz instance");
            WebElement dead = browser.findElement(By.xpath("//tr[@data-testid='cluster-node'][.//code[text()='" + gone + "']]"));
            assertThat(dead.getAttribute("data-state")).isEqualTo("dead");
            assertThat(dead.findElement(By.cssSelector(".badge")).getText()).isEqualTo("dead");
            assertThat(tile("cluster-bounds")).contains("shown dead").contains("35s");
            screenshot("cluster");
        } finally {
            jdbc.sql("delete from cluster_nodes where node_id = ?").param(gone).update();
        }
    }

    private void saveRecipe(String slug, String action, String with) {
        ApiClient.Response created = braid.saveRecipe("""
                slug: %s
                name: %s
                trigger:
                  webhook: {}
                retry: { maxAttempts: 1 }
                steps:
                  - id: call
                    action: %s
                    with: %s
                """.formatted(slug, "UI test " + slug, action, with));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private void open(String path) {
        browser.get("http://127.0.0.1:" + port + path);
    }

    private void signIn(String username, String password) {
        waitFor(By.cssSelector("input[name=username]")).sendKeys(username);
        browser.findElement(By.cssSelector("input[name=password]")).sendKeys(password);
        screenshotOnce("sign-in");
        browser.findElement(By.cssSelector("form[aria-label='Sign in'] button[type=submit]")).click();
        waitFor(By.cssSelector("[data-testid=user]"));
    }

    private void signInAgain(String username, String password) {
        browser.manage().deleteAllCookies();
        open("/");
        signIn(username, password);
    }

    /** Awaits a page that may still be loading: a missing element only means "not yet". */
    private static org.awaitility.core.ConditionFactory eventually() {
        return await().atMost(UI_WAIT).ignoreExceptions();
    }

    private String tile(String testId) {
        return browser.findElement(By.cssSelector("[data-testid=" + testId + "]")).getText();
    }

    private List<String> rowStatuses() {
        return browser.findElements(By.cssSelector("[data-testid=runs] tbody .badge")).stream().map(WebElement::getText).toList();
    }

    private void assertNoButtons(String... labels) {
        // The page has settled (its data shown) before this is called: absence means the button is not offered.
        List<String> shown = browser.findElements(By.tagName("button")).stream().map(WebElement::getText).map(String::strip).toList();
        assertThat(shown).doesNotContain(labels);
    }

    private WebElement waitFor(By locator) {
        return new WebDriverWait(browser, UI_WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    private boolean signInShot;

    private void screenshotOnce(String name) {
        if (!signInShot) {
            signInShot = true;
            screenshot(name);
        }
    }

    private static void screenshot(String name) {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        try {
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
