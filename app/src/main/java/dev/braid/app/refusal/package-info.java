/**
 * The domain's refusals (not found, conflict, invalid input) as a sealed type, so domain code refuses without knowing HTTP; the web layer maps them to problem answers.
 */
package dev.braid.app.refusal;
