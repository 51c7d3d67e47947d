/**
 * The manual trigger: runs started through the API.
 */
package dev.braid.app.triggers.manual;
