package dev.braid.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "10s, PT10S",
            "2m, PT2M",
            "1h, PT1H",
            "2d, PT48H",
            "1m30s, PT1M30S",
            "1h0m5s250ms, PT1H5.25S",
            "0s, PT0S"})
    void parses(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "s", "10 s", "1.5s", "-1s", "10S", "PT10S", "10sec", "99999999999999999999d"})
    void refusesWhatIsNotADuration(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text)).withMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "10s", "1m30s", "2h", "1d2h3m4s5ms", "0s"})
    void formatsWhatItParses(String text) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }
}
