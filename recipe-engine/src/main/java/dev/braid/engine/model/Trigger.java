package dev.braid.engine.model;

import java.util.Locale;

/** The one trigger of a recipe: its type and its typed {@link TriggerSettings}. */
public record Trigger(TriggerSettings settings) {

    public enum Type {
        WEBHOOK, KAFKA, CDC, SCHEDULE, POLL, MANUAL,
        /** Served by a connector's {@code TriggerSource} through the generic {@link TriggerSettings.Source}. */
        MQTT, AMQP;

        /**
         * Whether the type's settings are read generically ({@link TriggerSettings.Source}) and checked against
         * its connector's {@code TriggerSource.settingsSchema()}; a new connector trigger adds a constant here.
         */
        public boolean connectorSource() {
            return this == MQTT || this == AMQP;
        }

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
