/**
 * JSONata expressions and <code>{{ }}</code> templates, bounded in time, depth and size; the context read lazily.
 */
package dev.braid.engine.expr;
