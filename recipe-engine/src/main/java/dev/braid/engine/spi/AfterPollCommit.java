package dev.braid.engine.spi;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Implemented by an {@link Action} that a {@code poll} trigger reads with ({@code action:} + {@code with:}) when
 * the rows it answered must be marked as taken at their source — a file moved to a processed folder, a message
 * deleted — and only once Braid holds them. The poll calls {@link #afterCommit} after the transaction that
 * stored the poll's events, their runs and its cursor has committed, never before, with the same context and
 * rendered input as the read, and the rows it handed over (those already seen before included: their earlier
 * mark may have failed). A failure here is logged and shown on the trigger's health; the rows stay where they
 * are, are read again by the next poll and — known by their natural keys — start nothing.
 *
 * <pre>{@code
 * public void afterCommit(ActionContext ctx, JsonNode input, List<JsonNode> rows) throws ActionException {
 *   for (JsonNode row : rows) store.rename(row.get("path").asString(), row.get("movedTo").asString());
 * }
 * }</pre>
 */
public interface AfterPollCommit {

    void afterCommit(ActionContext context, JsonNode input, List<JsonNode> rows) throws ActionException;
}
