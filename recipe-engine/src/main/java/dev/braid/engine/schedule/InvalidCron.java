package dev.braid.engine.schedule;

/** A cron Braid cannot schedule; the message says what is wrong in words a recipe author can act on. */
public final class InvalidCron extends IllegalArgumentException {

    public InvalidCron(String message) {
        super(message);
    }
}
