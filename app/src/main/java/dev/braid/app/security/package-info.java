/**
 * Users, roles, API tokens and sessions; the access rules in one place (SecurityConfiguration).
 */
package dev.braid.app.security;
