/**
 * The cluster view (ARCHITECTURE §12): node heartbeats in PostgreSQL and what each node owns.
 */
package dev.braid.app.cluster;
