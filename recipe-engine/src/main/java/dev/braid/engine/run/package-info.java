/**
 * The run executor (what to do next), step runners, the transition table and the retry maths.
 */
package dev.braid.engine.run;
