/**
 * The http connector: http.request with auth, timeouts, retries by status, pagination and the egress guard.
 */
package dev.braid.connectors.http;
