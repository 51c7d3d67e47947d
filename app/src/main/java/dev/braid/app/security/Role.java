package dev.braid.app.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The four roles (issue 7). What each may do is written once, in {@link SecurityConfiguration}:
 * {@code admin} everything, users included; {@code builder} recipes, connections, secrets and test
 * runs; {@code operator} runs, dead letters, replay, backfill and enable/disable; {@code viewer}
 * reads. Every role reads, and manages its own API tokens.
 */
public enum Role {
    ADMIN, BUILDER, OPERATOR, VIEWER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String s) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(s)).findFirst();
    }
}
