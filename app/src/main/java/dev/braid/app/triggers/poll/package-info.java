/**
 * Cursor polling: one poller per recipe in the cluster, rows after the cursor ingested, the cursor committed with them.
 */
package dev.braid.app.triggers.poll;
