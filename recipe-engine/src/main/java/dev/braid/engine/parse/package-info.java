/**
 * Parsing and validation of recipes (YAML or JSON), every problem with its path, line and column.
 */
package dev.braid.engine.parse;
