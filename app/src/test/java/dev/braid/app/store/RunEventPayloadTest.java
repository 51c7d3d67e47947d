package dev.braid.app.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The text of a braid_events notification: ids only, read back as written, never over PostgreSQL's 8,000 bytes. */
class RunEventPayloadTest {

    @Test
    void tenThousandAnnouncementsGoInPayloadsUnder8000BytesAndReadBackInOrder() {
        List<String> lines = new ArrayList<>();
        List<RunEventPayload.Line> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            UUID run = UUID.randomUUID();
            if (i % 3 == 0) {
                String path = "lines[" + i + "].réserve " + "x".repeat(i % 300); // spaces, non-ASCII, long paths
                lines.add(RunEventPayload.step(run, "succeeded", path));
                expected.add(new RunEventPayload.StepFinished(run, "succeeded",
                        path.length() > RunEventPayload.MAX_PATH ? path.substring(0, RunEventPayload.MAX_PATH) : path));
            } else {
                lines.add(RunEventPayload.run(run));
                expected.add(new RunEventPayload.RunChanged(run));
            }
        }
        lines.add(RunEventPayload.LOST);
        expected.add(new RunEventPayload.Lost());

        List<String> payloads = RunEventPayload.chunks(lines);
        assertThat(payloads).hasSizeGreaterThan(50)
                .allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(7_900));
        List<RunEventPayload.Line> read = new ArrayList<>();
        payloads.forEach(p -> read.addAll(RunEventPayload.parse(p)));
        assertThat(read).containsExactlyElementsOf(expected);
    }

    @Test
    void linesItDoesNotKnowAreSkipped() {
        UUID run = UUID.randomUUID();
        assertThat(RunEventPayload.parse("q" + run + "\nr-not-a-uuid\n\nr" + run))
                .containsExactly(new RunEventPayload.RunChanged(run));
    }
}
