/**
 * SLA notifications and alert rules (docs/ARCHITECTURE.md §10): evaluated from the stats rollups by one
 * node of the cluster at a time, each starting its notify recipe when it trips and when it clears.
 */
package dev.braid.app.alerts;
