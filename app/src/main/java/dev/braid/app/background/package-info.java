/**
 * Work a node repeats in the background on a timer (stats folds, gauges, retention, alerts, backfill
 * overlaps): one loop, so starting, stopping and failure handling are written once.
 */
package dev.braid.app.background;
