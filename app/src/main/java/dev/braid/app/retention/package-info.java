/**
 * Retention (docs/ARCHITECTURE.md §10): the background pruning of step data, logs, run summaries and old
 * trigger events, by each recipe's {@code retention:} or the server's defaults, once per cluster at a time.
 */
package dev.braid.app.retention;
