package dev.braid.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.crypto.password.PasswordEncoder;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.support.ApiClient;
import dev.braid.app.support.BraidIntegrationTest;

/** Who may call what, the 401 problem, and the admin account made at startup. */
@ExtendWith(OutputCaptureExtension.class)
class SecurityIT extends BraidIntegrationTest {

    @Autowired
    UserAccounts users;

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    UserPasswordAuthentication authentication;

    @Autowired
    BraidProperties properties;

    @Test
    void theApiNeedsCredentials() {
        ApiClient.Response refused = anonymous.get("/api/v1/recipes");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("content-type")).startsWith("application/problem+json");
        assertThat(refused.header("www-authenticate")).isEqualTo("Basic realm=\"braid\"");
        assertThat(refused.json().path("status").asInt()).isEqualTo(401);
        assertThat(refused.json().path("detail").asString()).contains("HTTP Basic");

        ApiClient.Response post = anonymous.postYaml("/api/v1/recipes", "slug: x\n");
        assertThat(post.status()).isEqualTo(401);
    }

    @Test
    void aWrongPasswordIsRefused() {
        ApiClient.Response refused = ApiClient.admin(port, "not-the-password").get("/api/v1/recipes");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("content-type")).startsWith("application/problem+json");
        assertThat(refused.header("www-authenticate")).isEqualTo("Basic realm=\"braid\"");
        assertThat(refused.json().path("detail").asString()).isEqualTo("The user name or password is wrong");
        // A remembered success must not let a wrong password in afterwards.
        assertThat(api.get("/api/v1/recipes").status()).isEqualTo(200);
        assertThat(ApiClient.admin(port, ADMIN_PASSWORD + "x").get("/api/v1/recipes").status()).isEqualTo(401);
    }

    @Test
    void healthWebhooksAndTheUiAreOpen() {
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.postJson("/hooks/no-such-recipe-" + System.nanoTime(), "{}").status()).isNotEqualTo(401);
        assertThat(anonymous.get("/").status()).isEqualTo(200);
        ApiClient.Response index = anonymous.get("/index.html");
        assertThat(index.status()).isEqualTo(200);
        // The built app's hashed script and stylesheet, as index.html names them.
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(index.body());
        java.util.regex.Matcher css = java.util.regex.Pattern.compile("href=\"(/assets/[^\"]+\\.css)\"").matcher(index.body());
        assertThat(script.find()).isTrue();
        assertThat(css.find()).isTrue();
        assertThat(anonymous.get(script.group(1)).status()).isEqualTo(200);
        assertThat(anonymous.get(css.group(1)).status()).isEqualTo(200);
    }

    @Test
    void everythingElseNeedsCredentials() {
        assertThat(anonymous.get("/actuator/env").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/runs").status()).isEqualTo(401);
    }

    @Test
    void answersCreateNoSession() {
        ApiClient.Response ok = api.get("/api/v1/recipes");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("set-cookie")).isNull();
    }

    @Test
    void theAdminPasswordIsStoredAsABcryptHash() {
        UserAccounts.Account admin = users.find("admin").orElseThrow();
        assertThat(admin.passwordHash()).startsWith("{bcrypt}").doesNotContain(ADMIN_PASSWORD);
        assertThat(encoder.matches(ADMIN_PASSWORD, admin.passwordHash())).isTrue();
        assertThat(admin.roles()).containsExactly("admin");
    }

    /**
     * The generated-password path, on the shared database: the admin row is replaced for the test and
     * put back with the configured password at the end.
     */
    @Test
    void withoutAConfiguredPasswordTheFirstStartGeneratesOneAndPrintsItOnce(CapturedOutput output) {
        BraidProperties unset = new BraidProperties(properties.home(), new BraidProperties.Admin(null), properties.worker(),
                properties.limits(), properties.samples(), properties.master(), properties.triggers(),
                properties.schedules(), properties.poll(), properties.cdc(), properties.kafka(), properties.retention(),
                properties.signIn(), properties.http());
        try {
            deleteAdmin();
            new AdminAccount(users, encoder, authentication, unset).ensure();
            String printed = output.getOut() + output.getErr();
            assertThat(printed).contains("Generated password for user admin: ")
                    .contains("set BRAID_ADMIN_PASSWORD to choose your own");
            String marker = "Generated password for user admin: ";
            String password = printed.substring(printed.indexOf(marker) + marker.length()).split("\\s")[0];
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            String hash = users.find("admin").orElseThrow().passwordHash();
            assertThat(hash).startsWith("{bcrypt}").doesNotContain(password);
            assertThat(ApiClient.admin(port, password).get("/api/v1/recipes").status()).isEqualTo(200);

            int printedBefore = count(output.getOut() + output.getErr(), "Generated password");
            new AdminAccount(users, encoder, authentication, unset).ensure();
            assertThat(count(output.getOut() + output.getErr(), "Generated password")).isEqualTo(printedBefore);
            assertThat(users.find("admin").orElseThrow().passwordHash()).isEqualTo(hash);
        } finally {
            // The configured password wins again and replaces the generated one.
            new AdminAccount(users, encoder, authentication, properties).ensure();
        }
        assertThat(encoder.matches(ADMIN_PASSWORD, users.find("admin").orElseThrow().passwordHash())).isTrue();
        assertThat(api.get("/api/v1/recipes").status()).isEqualTo(200);
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private void deleteAdmin() {
        jdbc.sql("delete from users where username = 'admin'").update();
        authentication.forget("admin");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
