/**
 * Braid's own Kafka cluster: which one it is (configured or embedded) and its default connection.
 */
package dev.braid.app.kafka;
