package dev.braid.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class S3XmlTest {

    @Test
    void aListingPageWithNestedElementsPrefixesAndAToken() throws Exception {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
                  <Name>landing</Name><Prefix>in/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
                  <Contents>
                    <Key>in/a &amp; b.csv</Key><LastModified>2026-12-07T04:45:23.000Z</LastModified>
                    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1024</Size>
                    <Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>
                    <RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress></RestoreStatus>
                    <StorageClass>STANDARD</StorageClass>
                  </Contents>
                  <Contents><Key>in/b.csv</Key><LastModified>2026-12-07T04:45:24.000Z</LastModified><ETag>"x"</ETag><Size>7</Size></Contents>
                  <CommonPrefixes><Prefix>in/2026/</Prefix></CommonPrefixes>
                  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
                </ListBucketResult>
                """;

        S3Xml.Page page = S3Xml.page(xml.getBytes(StandardCharsets.UTF_8));

        assertThat(page.objects()).containsExactly(
                new S3Xml.Listed("in/a & b.csv", 1024, "9b2cf535f27731c974343645a3985328", "2026-12-07T04:45:23.000Z", "STANDARD"),
                new S3Xml.Listed("in/b.csv", 7, "x", "2026-12-07T04:45:24.000Z", "STANDARD"));
        assertThat(page.commonPrefixes()).containsExactly("in/2026/");
        assertThat(page.truncated()).isTrue();
        assertThat(page.nextContinuationToken()).isEqualTo("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    }

    @Test
    void anErrorDocumentAndAnswersThatAreNone() {
        S3Xml.Error error = S3Xml.error("""
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>PermanentRedirect</Code><Message>Use the endpoint below.</Message>
                <Endpoint>landing.s3.eu-west-1.amazonaws.com</Endpoint></Error>""".getBytes(StandardCharsets.UTF_8));

        assertThat(error.code()).isEqualTo("PermanentRedirect");
        assertThat(error.fields()).containsEntry("Endpoint", "landing.s3.eu-west-1.amazonaws.com");
        assertThat(S3Xml.error("<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)).code()).isEmpty();
        assertThat(S3Xml.error(new byte[0])).isEqualTo(S3Xml.Error.NONE);
        assertThat(S3Xml.error("""
                <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Error><Code>&e;</Code></Error>"""
                .getBytes(StandardCharsets.UTF_8)).code()).doesNotContain("root");
    }

    @Test
    void failuresSayWhetherToRetry() {
        assertThat(S3Failure.status("GET s3://b/k", 503, new S3Xml.Error("SlowDown", "Reduce your request rate.", java.util.Map.of()))
                .type()).isEqualTo("s3.throttled");
        assertThat(S3Failure.status("GET s3://b/k", 500, S3Xml.Error.NONE).retryable()).isTrue();
        assertThat(S3Failure.status("GET s3://b/k", 404, new S3Xml.Error("NoSuchBucket", "", java.util.Map.of())).type())
                .isEqualTo("s3.no_such_bucket");
        var redirect = S3Failure.status("GET s3://b/k", 301, new S3Xml.Error("PermanentRedirect", "",
                java.util.Map.of("Endpoint", "b.s3.eu-west-1.amazonaws.com")));
        assertThat(redirect.retryable()).isFalse();
        assertThat(redirect.getMessage()).contains("b.s3.eu-west-1.amazonaws.com", "set the connection's endpoint and region");
    }
}
