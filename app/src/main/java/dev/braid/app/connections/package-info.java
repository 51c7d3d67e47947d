/**
 * Connections: their table, secret fields sealed with the master key, and the secrets a run sees.
 */
package dev.braid.app.connections;
