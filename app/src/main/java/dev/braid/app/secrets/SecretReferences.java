package dev.braid.app.secrets;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.braid.engine.expr.Expressions;
import tools.jackson.databind.JsonNode;

/** The standalone secrets that a recipe's templates name ({@code secrets.NAME}, {@code secrets.`a-b`}, {@code secrets['a-b']}). */
public final class SecretReferences {

    private static final Pattern SECRET_REFERENCE = Pattern.compile(
            "secrets\\s*(?:\\.\\s*`([^`]+)`|\\.\\s*([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*['\"]([^'\"]+)['\"]\\s*])");

    private SecretReferences() {}

    /** The names {@code value}'s templates (anywhere in it) refer to, in order of appearance. */
    public static Set<String> in(JsonNode value) {
        Set<String> names = new LinkedHashSet<>();
        collect(value, names);
        return names;
    }

    private static void collect(JsonNode value, Set<String> names) {
        if (value == null) {
            return;
        }
        if (value.isString()) {
            if (!Expressions.isTemplate(value.asString())) {
                return;
            }
            Matcher m = SECRET_REFERENCE.matcher(value.asString());
            while (m.find()) {
                names.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
            }
        } else if (value.isContainer()) {
            value.values().forEach(v -> collect(v, names));
        }
    }
}
