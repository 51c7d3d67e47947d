/**
 * The trigger health board: per enabled recipe with a trigger that is not manual, its state and lag, read
 * from where each figure lives (the broker, the source's replication slot, the poll tables, Quartz, the
 * webhook refusal counts), and the lag gauges of {@code /actuator/prometheus}.
 */
package dev.braid.app.triggers.health;
