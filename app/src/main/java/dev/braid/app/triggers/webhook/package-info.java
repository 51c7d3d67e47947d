/**
 * The webhook trigger: POST /hooks/{slug}, signatures, rate limits, body reading, sync answers.
 */
package dev.braid.app.triggers.webhook;
