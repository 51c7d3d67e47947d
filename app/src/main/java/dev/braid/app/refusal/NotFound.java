package dev.braid.app.refusal;

import java.util.Map;

/** What the caller named does not exist (answered 404). */
public final class NotFound extends Refused {

    public NotFound(String detail) {
        super(detail, Map.of());
    }

    @Override
    public String kind() {
        return "not-found";
    }
}
