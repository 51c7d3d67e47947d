/**
 * The egress guard that every connector calling out over HTTP shares (http, s3): cloud metadata and link-local
 * addresses refused before a connection is opened, in every spelling.
 */
package dev.braid.connectors.egress;
