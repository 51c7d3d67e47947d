package dev.braid.app.queue;

import java.util.UUID;

/** This node no longer holds the run's lease: another node owns the run now, so this attempt stops. */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(UUID runId) {
        super("Lease of run " + runId + " was lost; another node has taken it over");
    }
}
