package dev.braid.app.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The text of a {@code braid_events} notification ({@link RunEvents}): lines, each one of
 * <pre>
 * r&lt;run id&gt;                      the run was created or changed status
 * s&lt;run id&gt; &lt;status&gt; &lt;step path&gt;   a step of the run finished
 * x                               announcements were lost: clients should reload
 * </pre>
 * Ids only, never summaries: a payload stays far below PostgreSQL's 8,000 bytes and each receiving node
 * reads the current summaries it needs in one query. A step path is cut at {@value #MAX_PATH} characters.
 */
public final class RunEventPayload {

    static final int MAX_BYTES = 7_900;
    static final int MAX_PATH = 200;
    static final int MAX_STEPS_PER_WRITE = 20;
    public static final String LOST = "x";

    private RunEventPayload() {
    }

    /** One line read back. */
    public sealed interface Line {}

    public record RunChanged(UUID run) implements Line {}

    public record StepFinished(UUID run, String status, String path) implements Line {}

    public record Lost() implements Line {}

    static String run(UUID id) {
        return "r" + id;
    }

    static String step(UUID run, String status, String path) {
        String p = path.length() > MAX_PATH ? path.substring(0, MAX_PATH) : path;
        return "s" + run + " " + status + " " + p.replace('\n', ' ');
    }

    /** The lines as payloads of at most {@value #MAX_BYTES} bytes each. */
    static List<String> chunks(Collection<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        int bytes = 0;
        for (String line : lines) {
            int n = RunEvents.bytes(line) + 1;
            if (bytes + n > MAX_BYTES && !chunk.isEmpty()) {
                out.add(chunk.toString());
                chunk.setLength(0);
                bytes = 0;
            }
            if (!chunk.isEmpty()) {
                chunk.append('\n');
            }
            chunk.append(line);
            bytes += n;
        }
        if (!chunk.isEmpty()) {
            out.add(chunk.toString());
        }
        return out;
    }

    /** The lines of a payload; a line it does not know is skipped (a newer node's). */
    public static List<Line> parse(String payload) {
        List<Line> out = new ArrayList<>();
        for (String line : payload.split("\n")) {
            try {
                if (line.equals(LOST)) {
                    out.add(new Lost());
                } else if (line.startsWith("r") && line.length() == 37) {
                    out.add(new RunChanged(UUID.fromString(line.substring(1))));
                } else if (line.startsWith("s") && line.length() > 38) {
                    int space = line.indexOf(' ', 38);
                    if (space > 0) {
                        out.add(new StepFinished(UUID.fromString(line.substring(1, 37)), line.substring(38, space),
                                line.substring(space + 1)));
                    }
                }
            } catch (IllegalArgumentException e) {
                // not ours: skip
            }
        }
        return out;
    }
}
