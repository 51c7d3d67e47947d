package dev.braid.engine.run;

import tools.jackson.databind.JsonNode;

/** What one step (or a list of steps) tells the walk: carry on with this output, or end the run. */
sealed interface Flow {

    /** The step finished (or was reused from the journal); {@code output} is what later steps see. */
    record Next(JsonNode output) implements Flow {}

    /** The run ends here: a stop, a failure or a retry, wherever in the nesting it happened. */
    record End(RunOutcome outcome) implements Flow {}
}
