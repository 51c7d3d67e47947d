/**
 * Trigger runtimes, one subpackage per trigger type, each an adapter onto the ingestion path; the reconciler keeps each node's runtimes in step with the recipes table.
 */
package dev.braid.app.triggers;
