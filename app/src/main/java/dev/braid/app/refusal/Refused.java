package dev.braid.app.refusal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something asked of the domain that it will not do as asked (a replay, a retry, a backfill, saving a
 * connection), with a sentence the caller can act on. The domain says which kind of refusal it is;
 * the web layer's problem advice picks the HTTP status and writes the RFC 9457 problem, so the domain
 * needs no web types and the controllers need no translation. Extra {@code properties} become members
 * of the problem ({@code errors: [{path, message}]} naming the field at fault).
 */
public abstract sealed class Refused extends RuntimeException permits NotFound, Conflict, Invalid {

    private final Map<String, Object> properties;

    Refused(String detail, Map<String, Object> properties) {
        super(detail);
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public Map<String, Object> properties() {
        return properties;
    }

    /** The kind as stored where a refusal outlives its request (a bulk job's failed item): not-found, conflict, invalid. */
    public abstract String kind();
}
