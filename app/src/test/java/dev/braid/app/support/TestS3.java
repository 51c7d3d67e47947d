package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.adobe.testing.s3mock.S3MockApplication;

/**
 * Adobe S3Mock, an S3-compatible server, in the test JVM on 127.0.0.1 and a free port (plain HTTP), storing under
 * a temporary folder, with the given buckets. Only the web auto-configuration it needs is switched on — this JVM's
 * class path is Braid's, and its data source, security and Kafka configurations are not S3Mock's business.
 * S3Mock does not check request signatures.
 */
public final class TestS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIABRAIDIT000000001";
    public static final String SECRET_KEY = "braid-it-secret/4r8Tq";

    private final ConfigurableApplicationContext context;
    private final int port;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public TestS3(String... buckets) {
        Path root;
        try {
            root = Files.createTempDirectory("s3mock");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Command-line arguments and no configuration file: Braid's application.yml would move S3Mock to port 8080,
        // and S3Mock's own application.properties is shadowed by the test resources' empty one.
        context = new SpringApplicationBuilder(S3MockApplication.class, Web.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--http.port=0",
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                "--com.adobe.testing.s3mock.max-payload-size=64MB",
                "--spring.main.banner-mode=off",
                "--spring.jmx.enabled=false",
                "--logging.level.com.adobe.testing=WARN",
                "--com.adobe.testing.s3mock.httpPort=0",
                "--com.adobe.testing.s3mock.store.region=us-east-1",
                "--spring.boot.enableautoconfiguration=false",
                "--spring.config.location=optional:classpath:/s3mock-none.properties");
        port = context.getBean(S3MockApplication.class).getHttpPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The settings of an s3 connection to this server, path-style, {@code bucket} its default bucket. */
    public Map<String, Object> connectionSettings(String bucket) {
        return Map.of("endpoint", endpoint(), "region", "us-east-1", "bucket", bucket, "accessKeyId", ACCESS_KEY,
                "secretAccessKey", SECRET_KEY, "pathStyle", true);
    }

    /** Writes an object (S3Mock takes unsigned requests). */
    public void put(String bucket, String key, String body) {
        try {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket + "/" + key))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("PUT " + key + " answered " + answer.statusCode() + ": " + answer.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        context.close();
    }

    /** S3Mock's web stack, and its extra plain-HTTP connector kept on loopback (it binds every interface otherwise). */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(classes = {
            org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration.class,
            org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration.class,
            org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration.class,
            org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class,
            org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration.class,
            org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class,
            org.springframework.boot.servlet.autoconfigure.MultipartAutoConfiguration.class,
            org.springframework.boot.servlet.autoconfigure.HttpEncodingAutoConfiguration.class,
            org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration.class})
    static class Web {
        @Bean
        static BeanPostProcessor loopbackConnectors() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (bean instanceof org.apache.catalina.connector.Connector connector) {
                        connector.setProperty("address", "127.0.0.1");
                    }
                    return bean;
                }
            };
        }
    }
}
