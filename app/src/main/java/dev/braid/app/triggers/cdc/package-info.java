/**
 * Database change data capture: one Debezium reader per source (advisory lock), changes ingested per event or in batches, offsets stored after the runs they cover.
 */
package dev.braid.app.triggers.cdc;
