/**
 * Tracked bulk jobs (issue 16): replay or discard many dead letters, retry or cancel many runs, in the
 * background and in chunks, with one recorded outcome per item, resumable by any node after a crash.
 * Each item goes through the one code path of its action ({@code Redrive}, {@code RunActions}).
 */
package dev.braid.app.jobs;
