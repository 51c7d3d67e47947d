/**
 * The openapi connector: openapi.call against an operation of a connection's OpenAPI 3 document, made by http.request.
 */
package dev.braid.connectors.openapi;
