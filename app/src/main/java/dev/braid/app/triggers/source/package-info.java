/**
 * Runs connectors' trigger sources (the engine's TriggerSource SPI) with a context backed by the ingestion path.
 */
package dev.braid.app.triggers.source;
