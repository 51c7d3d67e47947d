/**
 * Small helpers to write the JSON Schemas of action inputs and connection settings.
 */
package dev.braid.connectors.schema;
