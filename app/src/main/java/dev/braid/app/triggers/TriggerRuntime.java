package dev.braid.app.triggers;

import java.util.Collection;

import dev.braid.app.store.RecipeCatalog;
import dev.braid.engine.model.Trigger;

/**
 * A runtime for one kind of event trigger that listens on this node (a Kafka consumer, a CDC reader).
 * The {@link TriggerReconciler} hands it, again and again, every enabled recipe with its trigger type
 * at its current version; the runtime starts what is new, restarts what changed version and stops
 * what is no longer there. Calls come from one thread, never concurrently.
 */
public interface TriggerRuntime {

    Trigger.Type type();

    /** Makes the running listeners match {@code wanted} (enabled recipes of {@link #type()}, current versions). */
    void reconcile(Collection<RecipeCatalog.Current> wanted);

    /** Stops every listener (the node is shutting down). */
    void stopAll();
}
