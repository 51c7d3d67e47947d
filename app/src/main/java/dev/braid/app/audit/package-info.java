/**
 * The audit log: who changed what, when; written by one interceptor, owner of {@code audit_log}.
 */
package dev.braid.app.audit;
