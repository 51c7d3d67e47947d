/**
 * Standalone secrets ({@code secrets.NAME}), the master key and its rotation, and masking of secret values in logs and errors.
 */
package dev.braid.app.secrets;
