package dev.braid.app.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Which secrets a trigger setting names that the store lacks: what the operator is told. */
class TriggerTemplatesTest {

    private static final JsonNode KNOWN = JsonMapper.shared().readTree("{\"HOOK_SECRET\": \"v\", \"FEED_TOKEN\": \"t\"}");

    private static JsonNode json(String text) {
        return JsonMapper.shared().readTree(text);
    }

    @Test
    void everySpellingOfASecretReferenceIsFound() {
        assertThat(TriggerTemplates.missing(json("\"{{ secrets.OTHER }}\""), KNOWN)).containsExactly("OTHER");
        assertThat(TriggerTemplates.missing(json("\"{{ secrets['QUOTED-NAME'] }}\""), KNOWN)).containsExactly("QUOTED-NAME");
        assertThat(TriggerTemplates.missing(json("\"{{ secrets.`BACKTICKED` }}\""), KNOWN)).containsExactly("BACKTICKED");
        assertThat(TriggerTemplates.missing(json("\"Bearer {{ secrets.HOOK_SECRET }}{{ secrets . SPACED }}\""), KNOWN))
                .containsExactly("SPACED");
    }

    @Test
    void nestedValuesAreSearchedAndKnownOrPlainOnesAreNot() {
        JsonNode with = json("""
                {"url": "https://feed.example/{{ cursor }}", "headers": {"Authorization": "Bearer {{ secrets.FEED_TOKEN }}"},
                 "body": ["{{ secrets.MISSING_ONE }}", {"k": "{{ secrets.MISSING_TWO & secrets.MISSING_ONE }}"}],
                 "plain": "secrets.NOT_A_TEMPLATE"}""");
        assertThat(TriggerTemplates.missing(with, KNOWN)).containsExactly("MISSING_ONE", "MISSING_TWO");
        assertThat(TriggerTemplates.missing(json("\"{{ secrets.HOOK_SECRET }}\""), KNOWN)).isEmpty();
    }
}
