package dev.braid.engine.run;

/** Why a step (and so a run) failed: a dotted {@code type} such as {@code http.status}, and a message. */
public record StepError(String type, String message, boolean retryable) {}
