package dev.braid.connectors.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.adobe.testing.s3mock.S3MockApplication;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adobe S3Mock, an S3-compatible server (a Spring Boot application), in the test JVM on 127.0.0.1 and a free
 * port, plain HTTP, storing under a temporary folder, with the given buckets. S3Mock does not check signatures
 * ({@link S3Front} does, in front of it).
 */
final class S3Server implements AutoCloseable {

    static final String ACCESS_KEY = "AKIABRAIDTEST0000001";
    static final String SECRET_KEY = "braid-test-secret/Xq7vKp2zR9t";

    private final ConfigurableApplicationContext context;
    private final int port;

    S3Server(String... buckets) {
        Path root;
        try {
            root = Files.createTempDirectory("s3mock");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Command-line arguments: they outrank any configuration file on the class path.
        context = new SpringApplicationBuilder(S3MockApplication.class, Loopback.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--http.port=0",
                "--com.adobe.testing.s3mock.store.root=" + root,
                "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
                "--com.adobe.testing.s3mock.max-payload-size=64MB",
                "--spring.main.banner-mode=off",
                "--spring.jmx.enabled=false",
                "--logging.level.com.adobe.testing=WARN",
                "--logging.level.root=WARN");
        port = context.getBean(S3MockApplication.class).getHttpPort();
    }

    int port() {
        return port;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** An s3 connection to this server, path-style, with {@code bucket} as its default (null: none). */
    ObjectNode connection(String bucket) {
        ObjectNode c = JsonNodeFactory.instance.objectNode().put("endpoint", endpoint()).put("region", "us-east-1")
                .put("accessKeyId", ACCESS_KEY).put("secretAccessKey", SECRET_KEY).put("pathStyle", true);
        if (bucket != null) {
            c.put("bucket", bucket);
        }
        return c;
    }

    @Override
    public void close() {
        context.close();
    }

    /** S3Mock's extra plain-HTTP connector binds every interface unless told otherwise: loopback only. */
    @Configuration(proxyBeanMethods = false)
    static class Loopback {
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
