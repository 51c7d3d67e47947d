/**
 * Loads the sample recipes at start when their slugs do not exist yet.
 */
package dev.braid.app.samples;
