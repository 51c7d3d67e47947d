/**
 * What the web layer and the servlets below it share: problem documents and the request body limit.
 */
package dev.braid.app.http;
