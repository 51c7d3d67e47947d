package dev.braid.app.webui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium session (Debian's chromium and chromedriver, named so Selenium Manager never looks for
 * or downloads either) against a test server: open a path, sign in, wait for an element, run a script, save a
 * screenshot under target/screenshots/. Several can run at once (two people editing the same recipe).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMEDRIVER = Path.of(System.getProperty("braid.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("braid.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration UI_WAIT = Duration.ofSeconds(20);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final int port;

    Browser(int port, int width, int height) {
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (apt-get install chromium chromium-driver; .ci/run does)").isExecutable();
        assertThat(CHROMIUM).as("Debian's chromium").isExecutable();
        this.port = port;
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height);
        driver = new ChromeDriver(service, options);
        // the page itself gets the asked size (the window size counts the browser's own bars)
        driver.get("about:blank");
        long innerHeight = (Long) driver.executeScript("return window.innerHeight");
        driver.manage().window().setSize(new Dimension(width, height + (height - (int) innerHeight)));
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get("http://127.0.0.1:" + port + path);
    }

    void signIn(String username, String password) {
        driver.manage().deleteAllCookies();
        open("/");
        waitFor(By.cssSelector("input[name=username]")).sendKeys(username);
        driver.findElement(By.cssSelector("input[name=password]")).sendKeys(password);
        driver.findElement(By.cssSelector("form[aria-label='Sign in'] button[type=submit]")).click();
        waitFor(By.cssSelector("[data-testid=user]"));
    }

    WebElement waitFor(By locator) {
        return new WebDriverWait(driver, UI_WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /**
     * Replaces a form field's text as a person does: select all, type. Selenium's {@code clear()} changes the
     * DOM value without the input event React listens to, so any re-render before the typing (a validation
     * answer arriving) puts the old value back and the typed text lands after it.
     */
    void replaceText(WebElement field, String text) {
        field.click();
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"));
        field.sendKeys(text);
        eventually().until(() -> text.equals(field.getDomProperty("value")));
    }

    List<WebElement> all(By locator) {
        return driver.findElements(locator);
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Awaits a page that may still be loading: a missing element only means "not yet". */
    ConditionFactory eventually() {
        return await().atMost(UI_WAIT).ignoreExceptions();
    }

    Path screenshot(String name) {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path target = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }
}
