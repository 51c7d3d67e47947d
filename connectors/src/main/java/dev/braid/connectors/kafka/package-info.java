/**
 * The kafka connector: publish and publishAll, and the consuming side (a TriggerSource) with micro-batches.
 */
package dev.braid.connectors.kafka;
