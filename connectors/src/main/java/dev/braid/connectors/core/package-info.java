/**
 * The core connector: log, transform, delay and reconcile, pure actions with no connection.
 */
package dev.braid.connectors.core;
