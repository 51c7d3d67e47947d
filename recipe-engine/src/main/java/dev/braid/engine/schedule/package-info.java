/**
 * Cron dialects (Unix, seconds, Quartz, macros): checked at save and used for every fire time.
 */
package dev.braid.engine.schedule;
