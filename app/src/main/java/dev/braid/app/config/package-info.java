/**
 * Typed settings ({@code braid.*}, documented in the README) and the engine wiring.
 */
package dev.braid.app.config;
