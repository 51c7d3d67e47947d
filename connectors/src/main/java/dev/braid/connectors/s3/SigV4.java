package dev.braid.connectors.s3;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for S3 (the header form): the canonical request of method, path, query, the signed
 * headers and the payload's SHA-256, signed with a key derived from the secret, the day, the region and the
 * service. What every S3-compatible store checks; written here (about a hundred lines over the JDK's HMAC)
 * instead of pulling the AWS SDK's dozen jars.
 *
 * <pre>{@code
 * Map<String, String> headers = SigV4.sign("GET", "/bucket/key", Map.of(), headers, payloadSha256, keys, now);
 * }</pre>
 */
final class SigV4 {

    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** The credentials and scope of a signature. */
    record Keys(String accessKeyId, String secretAccessKey, String sessionToken, String region, String service) {}

    private SigV4() {}

    /**
     * The headers to send beside {@code headers}: {@code x-amz-date}, {@code x-amz-content-sha256},
     * {@code x-amz-security-token} (with a session token) and {@code Authorization}.
     *
     * @param rawPath the path exactly as sent, already percent-encoded ({@link #encode(String, boolean)})
     * @param query   decoded query parameters; encoded and sorted here (send them encoded the same way, {@link #query})
     * @param headers the other headers to sign, {@code host} among them (as the client will send it)
     */
    static Map<String, String> sign(String method, String rawPath, Map<String, String> query, Map<String, String> headers,
                                    String payloadSha256, Keys keys, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        SortedMap<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.strip().replaceAll(" +", " ")));
        signed.put("x-amz-date", amzDate);
        signed.put("x-amz-content-sha256", payloadSha256);
        if (keys.sessionToken() != null) {
            signed.put("x-amz-security-token", keys.sessionToken());
        }
        String signedNames = String.join(";", signed.keySet());
        String canonical = method + "\n" + rawPath + "\n" + query(query) + "\n"
                + signed.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue() + "\n").collect(Collectors.joining())
                + "\n" + signedNames + "\n" + payloadSha256;
        String scope = day + "/" + keys.region() + "/" + keys.service() + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
        byte[] key = hmac(("AWS4" + keys.secretAccessKey()).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, keys.region());
        key = hmac(key, keys.service());
        key = hmac(key, "aws4_request");
        String signature = HEX.formatHex(hmac(key, toSign));
        Map<String, String> added = new TreeMap<>();
        added.put("x-amz-date", amzDate);
        added.put("x-amz-content-sha256", payloadSha256);
        if (keys.sessionToken() != null) {
            added.put("x-amz-security-token", keys.sessionToken());
        }
        added.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + keys.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedNames + ", Signature=" + signature);
        return added;
    }

    /** The canonical query string: names and values encoded, sorted by name then value. */
    static String query(Map<String, String> query) {
        SortedMap<String, String> sorted = new TreeMap<>();
        query.forEach((name, value) -> sorted.put(encode(name, true), encode(value == null ? "" : value, true)));
        return sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    }

    /**
     * RFC 3986 percent-encoding as SigV4 wants it: unreserved characters as they are, every other byte of the
     * UTF-8 form as {@code %XY} (upper case); a slash kept when {@code slash} is false (object keys in paths).
     */
    static String encode(String text, boolean slash) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~' || c == '/' && !slash) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}
