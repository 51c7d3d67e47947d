package dev.braid.connectors.source;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * A message's bytes read as the trigger's {@code body}: JSON ({@code format: json}) or UTF-8 text; or why it
 * cannot be ({@link #problem()}), which makes the message a dead letter without a run.
 */
public record Payload(JsonNode body, String problem) {

    public static Payload read(byte[] value, boolean json) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return new Payload(null, "The message is not UTF-8 text");
        }
        if (!json) {
            return new Payload(StringNode.valueOf(text), null);
        }
        try {
            JsonNode body = JsonMapper.shared().readTree(text);
            if (body == null || body.isMissingNode()) {
                return new Payload(null, "The message is empty; format: json needs a JSON document");
            }
            return new Payload(body, null);
        } catch (JacksonException e) {
            return new Payload(null, "The message is not valid JSON (format: json): " + e.getOriginalMessage());
        }
    }

    public boolean readable() {
        return problem == null;
    }

    /** The first 16 bytes of the SHA-256 of {@code value}, in hex: part of a natural key that must tell messages apart. */
    public static String digest(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
