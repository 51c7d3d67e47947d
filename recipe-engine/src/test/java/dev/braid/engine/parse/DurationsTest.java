package dev.braid.engine.parse;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.braid.engine.model.Durations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms,      PT0.5S",
        "10s,        PT10S",
        "1m,         PT1M",
        "2h,         PT2H",
        "1d,         PT24H",
        "1m30s,      PT1M30S",
        "1h30m,      PT1H30M",
        "1d2h3m4s5ms, PT26H3M4.005S",
        "1.5s,       PT1.5S",
        "0.5h,       PT30M",
        "0s,         PT0S",
        "30,         PT30S",
        "' 10s ',    PT10S",
        "PT10S,      PT10S",
        "pt1m,       PT1M",
        "P1DT2H,     PT26H",
    })
    void reads(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10 sec", "", "  ", "s", "10x", "-5s", "1.s", "10S", "1M", "PT", "PT-10S", "1s1m", "1m1m",
            "1m 30s", "10s,", "ten seconds"})
    void rejects(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + text + "' is");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10 sec", "ten seconds", "10x"})
    void saysHowToWriteOne(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .hasMessage("'" + text + "' is not a duration; write e.g. 500ms, 10s, 5m, 2h or 1m30s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1s1m", "1m1m"})
    void wantsUnitsLargestFirst(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("largest first");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999999999999999d", "9999999999999"})
    void refusesWhatItCannotHold(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessageContaining("too long");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT1M30S, 1m30s", "PT0.5S, 500ms", "PT26H, 1d2h", "PT1H0.25S, 1h250ms"})
    void formatsForMessages(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
