/**
 * Schedules: Quartz (clustered) armed for the next fire time CronSchedule computes, catch-up and backfill.
 */
package dev.braid.app.triggers.schedule;
