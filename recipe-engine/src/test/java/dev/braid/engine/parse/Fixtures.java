package dev.braid.engine.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Recipe fixtures under {@code src/test/resources/recipes/}: {@code valid/...} and {@code invalid/...}. */
final class Fixtures {

    private Fixtures() {}

    static String text(String name) {
        String resource = "/recipes/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SourceFormat format(String name) {
        return name.endsWith(".json") ? SourceFormat.JSON : SourceFormat.YAML;
    }
}
