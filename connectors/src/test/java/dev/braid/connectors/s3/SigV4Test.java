package dev.braid.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The signer against the worked examples of AWS's S3 documentation ("Signature Calculations for the Authorization Header"). */
class SigV4Test {

    private static final SigV4.Keys EXAMPLE = new SigV4.Keys("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            null, "us-east-1", "s3");
    private static final Instant AT = Instant.parse("2013-05-24T00:00:00Z");

    @Test
    void getObjectWithARange() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", "examplebucket.s3.amazonaws.com");
        headers.put("range", "bytes=0-9");

        Map<String, String> signed = SigV4.sign("GET", "/test.txt", Map.of(), headers, SigV4.EMPTY_SHA256, EXAMPLE, AT);

        assertThat(signed.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        assertThat(signed.get("x-amz-date")).isEqualTo("20130524T000000Z");
    }

    @Test
    void putObjectWithAnEncodedKey() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("date", "Fri, 24 May 2013 00:00:00 GMT");
        headers.put("host", "examplebucket.s3.amazonaws.com");
        headers.put("x-amz-storage-class", "REDUCED_REDUNDANCY");
        String sha = SigV4.sha256Hex("Welcome to Amazon S3.".getBytes(StandardCharsets.UTF_8));
        assertThat(sha).isEqualTo("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");

        Map<String, String> signed = SigV4.sign("PUT", "/" + SigV4.encode("test$file.text", false), Map.of(), headers, sha, EXAMPLE, AT);

        assertThat(signed.get("Authorization")).endsWith(
                "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
                        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    }

    @Test
    void listObjectsWithAQuery() {
        Map<String, String> headers = Map.of("host", "examplebucket.s3.amazonaws.com");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("prefix", "J");
        query.put("max-keys", "2");

        Map<String, String> signed = SigV4.sign("GET", "/", query, headers, SigV4.EMPTY_SHA256, EXAMPLE, AT);

        assertThat(signed.get("Authorization")).endsWith(
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
        assertThat(SigV4.query(query)).isEqualTo("max-keys=2&prefix=J");
    }

    @Test
    void encodingKeepsUnreservedCharactersAndSlashesOfKeys() {
        assertThat(SigV4.encode("a b/ü+~*.json", false)).isEqualTo("a%20b/%C3%BC%2B~%2A.json");
        assertThat(SigV4.encode("a/b", true)).isEqualTo("a%2Fb");
    }
}
