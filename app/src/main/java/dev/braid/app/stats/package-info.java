/**
 * Observability (ARCHITECTURE §10): the stats journal folded into per-recipe minute, hour and day rollups
 * (exactly once), the stats query over them, and Braid's Prometheus meters.
 */
package dev.braid.app.stats;
