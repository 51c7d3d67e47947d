package dev.braid.app.triggers.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.http.HttpStatus;

/**
 * ARCHITECTURE §3 "Signed webhooks": {@code X-Braid-Signature: t=<unix seconds>,sha256=<hex>[,sha256=<hex>...]}
 * where each hex is HMAC-SHA256 of {@code "<t>.<raw body>"}; any one matching value is enough (key
 * rotation), compared in constant time; a {@code t} more than 300 s from the server clock is refused.
 */
final class WebhookSignature {

    static final String HEADER = "X-Braid-Signature";
    static final Duration TOLERANCE = Duration.ofSeconds(300);

    private WebhookSignature() {}

    static void verify(String header, byte[] body, String secret, Instant now) {
        if (header == null || header.isBlank()) {
            throw refused("The recipe requires a signed webhook: send the " + HEADER + " header");
        }
        Long t = null;
        java.util.List<String> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) {
                try {
                    t = Long.parseLong(p.substring(2));
                } catch (NumberFormatException e) {
                    throw refused("The " + HEADER + " timestamp 't' is not a number of seconds");
                }
            } else if (p.startsWith("sha256=")) {
                signatures.add(p.substring(7));
            }
        }
        if (t == null || signatures.isEmpty()) {
            throw refused("The " + HEADER + " header needs t=<unix seconds> and at least one sha256=<hex>");
        }
        if (Math.abs(now.getEpochSecond() - t) > TOLERANCE.toSeconds()) {
            throw refused("The " + HEADER + " timestamp is more than " + TOLERANCE.toSeconds()
                    + " s away from the server clock; sign with the current time");
        }
        byte[] expected = hmac(secret, t, body);
        boolean match = false;
        for (String candidate : signatures) {
            byte[] given;
            try {
                given = HexFormat.of().parseHex(candidate.toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                continue;
            }
            // No early exit: every candidate is compared, each in constant time.
            match |= MessageDigest.isEqual(expected, given);
        }
        if (!match) {
            throw refused("The " + HEADER + " signature does not match the body");
        }
    }

    static String sign(String secret, long t, byte[] body) {
        return "t=" + t + ",sha256=" + HexFormat.of().formatHex(hmac(secret, t, body));
    }

    private static byte[] hmac(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IngressException refused(String detail) {
        return new IngressException(HttpStatus.UNAUTHORIZED, detail);
    }
}
