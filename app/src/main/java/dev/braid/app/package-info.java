/**
 * The Braid server (Spring Boot): the packages below, by concern, with the web layer ({@code api}) on top. See docs/ARCHITECTURE.md §1.
 */
package dev.braid.app;
