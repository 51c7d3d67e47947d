/**
 * The embedded default: PostgreSQL and a single-node Kafka on 127.0.0.1 when nothing external is configured, with recovery of orphans after a crash.
 */
package dev.braid.app.embedded;
