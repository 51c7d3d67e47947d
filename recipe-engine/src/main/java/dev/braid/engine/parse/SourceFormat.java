package dev.braid.engine.parse;

/** The text a recipe arrives as. JSON is read with the same line-tracking parser as YAML. */
public enum SourceFormat { YAML, JSON }
