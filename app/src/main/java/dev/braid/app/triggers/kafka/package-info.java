/**
 * The glue for Kafka triggers: which cluster a recipe reads; the consumer itself is the kafka connector's trigger source.
 */
package dev.braid.app.triggers.kafka;
