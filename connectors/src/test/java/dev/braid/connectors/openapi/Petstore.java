package dev.braid.connectors.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The Swagger Petstore 3 document (test resource {@code openapi/petstore3.yaml}) as text. */
final class Petstore {

    private Petstore() {}

    static final String YAML = read("/openapi/petstore3.yaml");

    private static String read(String resource) {
        try (InputStream in = Petstore.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
