package dev.braid.connectors.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * The bytes {@code s3.put} writes, read from the step's {@code body} without a second copy in memory: a text is
 * encoded to UTF-8 (and base64 decoded) as the request streams, so a 20 MB body is held once — as the step's
 * input — not again as a byte array. Two passes over the text: one for the length and SHA-256 the signature
 * needs, one for the request.
 */
final class PutBody {

    enum Encoding { TEXT, BASE64 }

    private final String text;
    private final Encoding encoding;
    private final long length;
    private final String sha256;
    private final String defaultContentType;

    private PutBody(String text, Encoding encoding, String defaultContentType) {
        this.text = text;
        this.encoding = encoding;
        this.defaultContentType = defaultContentType;
        MessageDigest digest = SigV4.sha256();
        long counted = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = open()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                counted += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.length = counted;
        this.sha256 = SigV4.hex(digest.digest());
    }

    /**
     * {@code body} as {@code s3.put} writes it: a text as UTF-8 (or, with {@code encoding: base64}, the bytes it
     * encodes), any other JSON value as its JSON text.
     */
    static PutBody of(JsonNode body, String encoding) throws ActionException {
        if ("base64".equals(encoding)) {
            if (!body.isString()) {
                throw ActionException.fatal(JsonSchema.INVALID, "with.body: encoding base64 needs the body as a base64 text; got "
                        + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            String text = body.stringValue();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean alphabet = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                        || c == '=' || c == '\r' || c == '\n' || c == ' ' || c == '\t';
                if (!alphabet) {
                    throw ActionException.fatal(JsonSchema.INVALID, "with.body: is not base64: character " + (i + 1)
                            + " is '" + c + "' (use encoding: text for a text body)");
                }
            }
            try {
                return new PutBody(text, Encoding.BASE64, "application/octet-stream");
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw ActionException.fatal(JsonSchema.INVALID, "with.body: is not base64: " + e.getMessage());
            }
        }
        if (body.isString()) {
            return new PutBody(body.stringValue(), Encoding.TEXT, "text/plain; charset=utf-8");
        }
        return new PutBody(body.toString(), Encoding.TEXT, "application/json");
    }

    long length() {
        return length;
    }

    String sha256() {
        return sha256;
    }

    String defaultContentType() {
        return defaultContentType;
    }

    /** A fresh stream of the bytes; each call starts from the beginning. */
    InputStream open() {
        return switch (encoding) {
            case TEXT -> new Utf8Stream(text);
            case BASE64 -> Base64.getMimeDecoder().wrap(new AsciiStream(text));
        };
    }

    /** A text's UTF-8 bytes, encoded a buffer at a time from a view of the text (no copy of it). */
    private static final class Utf8Stream extends InputStream {

        private final CharBuffer in;
        private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer out = ByteBuffer.allocate(32 * 1024).flip();
        private boolean flushed;

        Utf8Stream(String text) {
            this.in = CharBuffer.wrap(text);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            while (!out.hasRemaining()) {
                if (flushed) {
                    return -1;
                }
                out.clear();
                encoder.encode(in, out, true);   // the buffer holds the whole text: its end is the input's end
                if (!in.hasRemaining()) {
                    encoder.flush(out);
                    flushed = true;
                }
                out.flip();
            }
            int n = Math.min(len, out.remaining());
            out.get(b, off, n);
            return n;
        }
    }

    /** The characters of a base64 text as bytes (every base64 character is ASCII), without copying the text. */
    private static final class AsciiStream extends InputStream {

        private final String text;
        private int next;

        AsciiStream(String text) {
            this.text = text;
        }

        @Override
        public int read() {
            return next < text.length() ? text.charAt(next++) & 0x7f : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (next >= text.length()) {
                return -1;
            }
            int n = Math.min(len, text.length() - next);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) text.charAt(next++);
            }
            return n;
        }
    }
}
