package dev.braid.app.triggers.webhook;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a webhook's raw body into the trigger's {@code body}: JSON as JSON, a form as an object
 * (a repeated field becomes an array), text as a string. Anything else is refused with 415, a body
 * that does not match its content type with 400.
 */
final class WebhookBody {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WebhookBody() {}

    static JsonNode parse(byte[] raw, String contentType, JsonMapper json) {
        if (raw.length == 0) {
            return NODES.nullNode();
        }
        if (contentType == null || contentType.isBlank()) {
            throw new IngressException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "The webhook body has no Content-Type; send application/json, application/x-www-form-urlencoded or text/plain");
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            throw new IngressException(HttpStatus.BAD_REQUEST, "The Content-Type '" + contentType + "' cannot be read");
        }
        Charset charset = type.getCharset() != null ? type.getCharset() : StandardCharsets.UTF_8;
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        if (type.isCompatibleWith(MediaType.APPLICATION_JSON) || subtype.endsWith("+json")) {
            try {
                return json.readTree(decode(raw, charset));
            } catch (JacksonException e) {
                throw new IngressException(HttpStatus.BAD_REQUEST, "The webhook body is not valid JSON: "
                        + e.getOriginalMessage() + location(e));
            }
        }
        if (type.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)) {
            return form(decode(raw, charset), charset);
        }
        if ("text".equalsIgnoreCase(type.getType())) {
            return NODES.stringNode(decode(raw, charset));
        }
        throw new IngressException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Webhooks accept application/json, "
                + "application/x-www-form-urlencoded and text/* bodies, not " + type.getType() + "/" + type.getSubtype());
    }

    /**
     * PostgreSQL's jsonb cannot hold the character U+0000 (a JSON escape of it, a {@code %00}, a
     * raw NUL in text): such a trigger would fail at the insert, after the sender was kept waiting,
     * as a 500. It is the sender's data that is unusable, so it is a 400 naming where the NUL is.
     */
    static void requireStorable(JsonNode trigger) {
        String where = nulAt(trigger, "trigger");
        if (where != null) {
            throw new IngressException(HttpStatus.BAD_REQUEST, "The webhook contains the character U+0000 (NUL) in "
                    + where + ", which cannot be stored; remove it, or send binary data encoded (e.g. base64)");
        }
    }

    private static String nulAt(JsonNode node, String path) {
        if (node.isString()) {
            return node.asString().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                if (field.getKey().indexOf('\0') >= 0) {
                    return path + " (a field name)";
                }
                String inner = nulAt(field.getValue(), path + "." + field.getKey());
                if (inner != null) {
                    return inner;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String inner = nulAt(node.get(i), path + "[" + i + "]");
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    /** {@code a=1&b=2&b=3} as {@code {"a": "1", "b": ["2", "3"]}}; also used for query strings. */
    static ObjectNode form(String encoded, Charset charset) {
        ObjectNode out = NODES.objectNode();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset);
            } catch (IllegalArgumentException e) {
                throw new IngressException(HttpStatus.BAD_REQUEST, "The form field '" + pair + "' is not properly URL-encoded");
            }
            JsonNode existing = out.get(name);
            if (existing == null) {
                out.put(name, value);
            } else if (existing.isArray()) {
                ((ArrayNode) existing).add(value);
            } else {
                out.set(name, NODES.arrayNode().add(existing).add(value));
            }
        }
        return out;
    }

    private static String decode(byte[] raw, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new IngressException(HttpStatus.BAD_REQUEST, "The webhook body is not valid " + charset.name() + " text");
        }
    }

    private static String location(JacksonException e) {
        if (e.getLocation() == null || e.getLocation().getLineNr() < 1) {
            return "";
        }
        return " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
