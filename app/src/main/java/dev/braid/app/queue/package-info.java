/**
 * The workers: claiming runs, executing attempts through the engine, completions and notifications, operator retry/cancel, redrive and replay.
 */
package dev.braid.app.queue;
