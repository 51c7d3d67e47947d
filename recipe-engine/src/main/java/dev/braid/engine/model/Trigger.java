package dev.braid.engine.model;

import java.util.Locale;

/** The one trigger of a recipe: its type and its typed {@link TriggerSettings}. */
public record Trigger(TriggerSettings settings) {

    public enum Type {
        WEBHOOK, KAFKA, CDC, SCHEDULE, POLL, MANUAL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type fromWire(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    public Trigger {
        java.util.Objects.requireNonNull(settings, "settings");
    }

    public Type type() {
        return settings.type();
    }
}
