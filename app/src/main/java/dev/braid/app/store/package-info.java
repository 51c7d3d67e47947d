/**
 * Owners of the run-history tables: each table is written by one class here (RunStore for runs, EventStore for trigger events, ...); see docs/ARCHITECTURE.md §3 "Tables and their owners".
 */
package dev.braid.app.store;
