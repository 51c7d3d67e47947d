/**
 * The web layer: REST controllers under {@code /api/v1}, paging and RFC 9457 problem answers. Nothing outside this package imports it (AppArchitectureTest).
 */
package dev.braid.app.api;
