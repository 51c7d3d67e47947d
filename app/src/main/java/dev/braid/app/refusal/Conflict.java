package dev.braid.app.refusal;

import java.util.Map;

/** It exists, but its state does not allow this now (answered 409): a run that has ended, a discarded dead letter. */
public final class Conflict extends Refused {

    public Conflict(String detail) {
        super(detail, Map.of());
    }

    @Override
    public String kind() {
        return "conflict";
    }
}
