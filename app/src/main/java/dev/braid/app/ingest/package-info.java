/**
 * The one ingestion path every trigger source goes through: idempotency keys, concurrency slots, ordering keys, and the event and its run committed together (docs/ARCHITECTURE.md §3).
 */
package dev.braid.app.ingest;
