/**
 * What the message triggers of several connectors (mqtt, amqp) share: their settings schema's common
 * part and the micro-batches waiting for their run.
 */
package dev.braid.connectors.source;
