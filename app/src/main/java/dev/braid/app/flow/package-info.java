/**
 * Flow control per connection: circuit breakers and rate limits that park a run instead of burning attempts.
 */
package dev.braid.app.flow;
