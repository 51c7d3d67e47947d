package dev.braid.app.refusal;

import java.util.List;
import java.util.Map;

/** The input is wrong (answered 400); {@code errors} name each field at fault and how to fix it. */
public final class Invalid extends Refused {

    public Invalid(String detail, Map<String, Object> properties) {
        super(detail, properties);
    }

    /** With {@code errors: [{path, message}, ...]}. */
    public static Invalid errors(String detail, List<?> errors) {
        return new Invalid(detail, Map.of("errors", errors));
    }

    @Override
    public String kind() {
        return "invalid";
    }
}
