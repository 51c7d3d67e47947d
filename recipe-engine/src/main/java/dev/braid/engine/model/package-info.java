/**
 * The recipe model: Recipe, Step, Trigger with typed TriggerSettings, retry and durations.
 */
package dev.braid.engine.model;
