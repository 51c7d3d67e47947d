package dev.braid.engine.run;

import java.time.Instant;

/**
 * Flow control per connection (ARCHITECTURE §3): a circuit breaker and a rate limiter in front of every
 * side-effecting call through a connection. The engine asks before the call; a deferral parks the
 * run ({@link RunOutcome.Waiting}) without spending an attempt; after the call it reports how it
 * went so the breaker can count. The app implements it (resilience4j); the engine stays free of it.
 */
@FunctionalInterface
public interface ConnectionGuards {

    /** No flow control: every call goes ahead and nothing is counted. */
    ConnectionGuards NONE = connection -> new Admission.Granted(Ticket.NONE);

    /** Whether a call through {@code connection} may go ahead now. */
    Admission admit(String connection);

    sealed interface Admission {
        /** Go ahead, and report the outcome on {@code ticket}. */
        record Granted(Ticket ticket) implements Admission {}

        /** Not now: try again at {@code until}; {@code reason} is {@code circuit} or {@code rate-limit}. */
        record Deferred(Instant until, String reason, String detail) implements Admission {}
    }

    /** The outcome of a granted call. Retryable failures (timeouts, 5xx) count against the circuit; fatal ones do not. */
    interface Ticket {
        Ticket NONE = new Ticket() {
            @Override
            public void succeeded() {}

            @Override
            public void failed(StepError error) {}
        };

        void succeeded();

        void failed(StepError error);
    }
}
