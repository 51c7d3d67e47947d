package dev.braid.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ObjectPositionTest {

    @Test
    void positionsOrderByTimeThenKeyAndABareTimeComesBeforeItsObjects() {
        String a = ObjectPosition.of("2026-12-07T04:45:23.000Z", "z/last-by-key.csv");
        String b = ObjectPosition.of("2026-12-07T04:45:23.000Z", "a/first-by-key.csv");
        String later = ObjectPosition.of("2026-12-07T04:45:23.001Z", "a/first-by-key.csv");
        String nextDay = ObjectPosition.of("2026-12-08T00:00:00Z", "0");

        List<String> sorted = new ArrayList<>(List.of(nextDay, later, a, b));
        sorted.sort(null);

        assertThat(sorted).containsExactly(b, a, later, nextDay);
        assertThat(b).isEqualTo("2026-12-07T04:45:23.000Z|a/first-by-key.csv");
        assertThat("2026-12-07T04:45:23.000Z").isLessThan(b);
        assertThat("").isLessThan(b);
    }

    @Test
    void storesThatSendSecondsOrOffsetsGiveTheSameFixedWidthTime() {
        assertThat(ObjectPosition.of("2026-12-07T04:45:23Z", "k")).isEqualTo("2026-12-07T04:45:23.000Z|k");
        assertThat(ObjectPosition.of("2026-12-07T05:45:23.5+01:00", "k")).isEqualTo("2026-12-07T04:45:23.500Z|k");
        assertThat(ObjectPosition.of("2026-12-07T04:45:23.123456Z", "k")).isEqualTo("2026-12-07T04:45:23.123Z|k");
    }
}
