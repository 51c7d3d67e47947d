package dev.braid.connectors.http;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.braid.connectors.egress.EgressGuard;
import dev.braid.connectors.egress.HostResolver;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

class EgressGuardTest {

    private static final HostResolver TEST_NAMES = host -> switch (host) {
        case "metadata.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})};
        case "mixed.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}),
                InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, 1, 1})};
        case "localhost" -> new InetAddress[] {InetAddress.getLoopbackAddress()};
        default -> throw new UnknownHostException(host);
    };

    private final StubServer stub = StubServer.start();
    private final HttpConnector connector = new HttpConnector(TEST_NAMES, HttpRequestAction.MAX_ITEMS);
    private final Action request = connector.actions().get("request");

    @AfterEach
    void close() {
        connector.close();
        stub.close();
    }

    private JsonNode call(ActionContext ctx, String with) throws ActionException {
        return request.execute(ctx, json(with)).output();
    }

    private ActionException failure(ActionContext ctx, String with) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> call(ctx, with));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }

    private ActionException failure(String with) {
        return failure(aContext().build(), with);
    }

    // --- the guard ---

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/",
            "http://169.254.169.254./latest/meta-data/",
            "http://[::ffff:169.254.169.254]/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://2852039166/",
            "http://0xa9fea9fe/",
            "http://0XA9FEA9FE/",
            "http://0251.0376.0251.0376/",
            "http://169.254.43518/",
            "http://0xa9.0xfe.0xa9.0xfe:8080/",
            "http://user@169.254.169.254:80/",
            "http://169.254.1.1/",
            "http://[fe80::1]/",
            "http://[fd00:ec2::254]/",
            "http://[fe80::1%25eth0]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://metadata.test/computeMetadata/v1/",
            "http://METADATA.TEST./",
            "http://mixed.test/"})
    void refusesLinkLocalAndMetadataInEverySpelling(String url) {
        ActionException e = failure("{url: '" + url + "', timeout: '300ms'}");

        assertThat(e.type()).as(e.getMessage()).isEqualTo("http.egress_denied");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void loopbackStaysAllowed() throws ActionException {
        stub.on("/ok", 200, "");
        String port = stub.url("").substring(stub.url("").lastIndexOf(':') + 1);

        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            assertThat(call(aContext().build(), "{url: 'http://" + host + ":" + port + "/ok'}").get("status").asInt())
                    .as(host).isEqualTo(200);
        }
    }

    @Test
    void aRedirectToMetadataIsRefused() {
        stub.on("/jump", 302, "", "Location", "http://169.254.169.254/latest/meta-data/");

        ActionException e = failure("{url: '" + stub.url("/jump") + "'}");

        assertThat(e.type()).isEqualTo("http.egress_denied");
        assertThat(stub.received()).hasSize(1);
    }

    @Test
    void theAllowlistOpensARange() {
        ActionContext ctx = aContext().connection(json("{egress: {allow: ['169.254.0.0/16']}}")).build();
        long start = System.nanoTime();

        // Not 169.254.169.254 any more: metadata addresses stay refused whatever the allow-list says.
        ActionException e = failure(ctx, "{url: 'http://169.254.1.1/latest/meta-data/', timeout: '300ms'}");

        // Nothing real answers there in a test environment: the connection times out or is refused
        // (or a sandbox's own egress filter answers with an error status).
        assertThat(e.type()).as(e.getMessage()).isNotEqualTo("http.egress_denied");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    // --- cloud metadata and wire-server addresses: checked by the guard alone, no connection opened ---

    private static final HostResolver CLOUD_NAMES = host -> switch (host) {
        case "metadata.google.internal" -> new InetAddress[] {
                InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})};
        case "wireserver.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 168, 63, (byte) 129, 16})};
        case "alibaba.test" -> new InetAddress[] {
                InetAddress.getByAddress(host, new byte[] {(byte) 10, 0, 0, 5}),
                InetAddress.getByAddress(host, new byte[] {100, 100, 100, (byte) 200})};
        default -> throw new UnknownHostException(host);
    };

    private static ActionException guardRefusal(String allow, String url) {
        EgressGuard guard = EgressGuard.of("http", json("{allow: " + allow + "}"), CLOUD_NAMES);
        return catchThrowableOfType(ActionException.class, () -> guard.check(java.net.URI.create(url), "GET " + url));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/api/token",           // AWS, Azure IMDS, Oracle, OpenStack
            "http://[fd00:ec2::254]/latest/meta-data/",          // AWS over IPv6
            "http://169.254.170.2/v2/credentials/x",             // AWS ECS task credentials
            "http://169.254.170.23/v1/credentials",              // AWS EKS Pod Identity
            "http://[fd00:ec2::23]/v1/credentials",
            "http://metadata.google.internal/computeMetadata/v1/",  // GCP by name
            "http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/",
            "http://[fd20:ce::254]/computeMetadata/v1/",         // GCP over IPv6
            "http://168.63.129.16/machine?comp=goalstate",       // Azure wire server
            "http://wireserver.test/",
            "http://2822734096/",                                // 168.63.129.16 as one number
            "http://[::ffff:168.63.129.16]/",
            "http://192.0.0.192/latest/",                        // Oracle Cloud
            "http://100.100.100.200/latest/meta-data/",          // Alibaba Cloud
            "http://0x646464c8/",                                // 100.100.100.200 in hex
            "http://100.100.25800/",                             // and in three parts
            "http://[64:ff9b::6464:64c8]/",                      // NAT64
            "http://alibaba.test/"})                             // one of several answers is enough
    void cloudMetadataAddressesAreRefusedEvenWhenEveryRangeIsAllowed(String url) {
        for (String allow : new String[] {"[]", "['0.0.0.0/0', '::/0']", "['169.254.0.0/16', '100.64.0.0/10', "
                + "'168.63.129.16/32', '192.0.0.0/24', '100.100.100.200', 'fd00::/8', 'fe80::/10']"}) {
            ActionException e = guardRefusal(allow, url);
            assertThat(e).as(url + " with allow " + allow).isNotNull();
            assertThat(e.type()).as(e.getMessage()).isEqualTo("http.egress_denied");
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("cloud metadata endpoint", "whatever the connection's egress.allow says");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://100.64.0.1/", "http://100.100.100.199/", "http://100.127.255.254/",  // shared address space
            "http://168.63.129.17/", "http://192.0.0.193/", "http://10.1.2.3/", "http://192.168.1.1/",
            "http://172.16.0.1/", "http://[fd00:ec2::253]/", "http://[fd12:3456::1]/"})
    void neighboursOfTheMetadataAddressesStayAllowed(String url) {
        assertThat(guardRefusal("[]", url)).as(url).isNull();
    }

    @Test
    void linkLocalOpensWithTheAllowlistButItsMetadataAddressDoesNot() {
        String allow = "['169.254.0.0/16', 'fe80::/10']";

        assertThat(guardRefusal("[]", "http://169.254.10.20/")).isNotNull();
        assertThat(guardRefusal(allow, "http://169.254.10.20/")).isNull();
        assertThat(guardRefusal(allow, "http://[fe80::1]/")).isNull();
        assertThat(guardRefusal(allow, "http://169.254.169.254/").type()).isEqualTo("http.egress_denied");
        assertThat(guardRefusal(allow, "http://169.254.170.2/").type()).isEqualTo("http.egress_denied");
    }

    @Test
    void anAllowlistOfAnotherRangeDoesNotOpenMetadata() {
        ActionContext ctx = aContext().connection(json("{egress: {allow: ['10.0.0.0/8', 'fe80::/10']}}")).build();

        assertThat(failure(ctx, "{url: 'http://169.254.169.254/'}").type()).isEqualTo("http.egress_denied");
    }

    @Test
    void invalidAllowEntriesAreNamed() {
        ActionContext ctx = aContext().connection(json("{egress: {allow: ['169.254.0.0/33', 'example.com', '10.0.0.0/8']}}")).build();

        ActionException e = failure(ctx, "{url: '" + stub.url("/x") + "'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("connection.egress.allow[0]", "connection.egress.allow[1]")
                .doesNotContain("allow[2]");
    }

    @Test
    void anUnknownHostIsARetryableConnectionFailure() {
        ActionException e = failure("{url: 'http://nowhere.test/'}");

        assertThat(e.type()).isEqualTo("http.connection");
        assertThat(e.retryable()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            "2852039166, 169.254.169.254",
            "0xa9fea9fe, 169.254.169.254",
            "0251.0376.0251.0376, 169.254.169.254",
            "169.254.43518, 169.254.169.254",
            "169.16689662, 169.254.169.254",
            "127.1, 127.0.0.1",
            "0, 0.0.0.0"})
    void readsIpv4LiteralsAsInetAtonDoes(String text, String address) throws UnknownHostException {
        assertThat(InetAddress.getByAddress(EgressGuard.Ipv4Literal.parse(text)).getHostAddress()).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.1.1.1", "1.2.3.4.5", "4294967296", "08.1.1.1", "example.com", "1..2", "1.2.3.", ""})
    void otherTextIsNoIpv4Literal(String text) {
        assertThat(EgressGuard.Ipv4Literal.parse(text)).as(text).isNull();
    }

    // --- redirect policy ---

    @Test
    void seeOtherTurnsAPostIntoAGet() throws ActionException {
        stub.on("/orders", 303, "", "Location", "/orders/7");
        stub.on("/orders/7", 200, "");

        call(aContext().build(), "{method: 'POST', url: '" + stub.url("/orders") + "', body: {id: 7}}");

        StubServer.Received followed = stub.last();
        assertThat(followed.method()).isEqualTo("GET");
        assertThat(followed.body()).isEmpty();
        assertThat(followed.header("Content-Type")).isNull();
    }

    @Test
    void movedTurnsAPostIntoAGetButKeepsAPut() throws ActionException {
        stub.on("/a", 301, "", "Location", "/b");
        stub.on("/b", 200, "");

        call(aContext().build(), "{method: 'POST', url: '" + stub.url("/a") + "', body: 'x'}");
        assertThat(stub.last().method()).isEqualTo("GET");

        call(aContext().build(), "{method: 'PUT', url: '" + stub.url("/a") + "', body: 'x'}");
        assertThat(stub.last().method()).isEqualTo("PUT");
        assertThat(stub.last().bodyText()).isEqualTo("x");
    }

    @Test
    void temporaryRedirectKeepsMethodAndBody() throws ActionException {
        stub.on("/a", 307, "", "Location", stub.url("/b"));
        stub.on("/b", 200, "");

        call(aContext().build(), "{method: 'POST', url: '" + stub.url("/a") + "', body: {id: 1}}");

        assertThat(stub.last().method()).isEqualTo("POST");
        assertThat(json(stub.last().bodyText())).isEqualTo(json("{id: 1}"));
    }

    @Test
    void followsAtMostFiveRedirects() throws ActionException {
        for (int i = 0; i < 6; i++) {
            stub.on("/r" + i, 302, "", "Location", "/r" + (i + 1));
        }
        stub.on("/r6", 200, "done");
        stub.on("/s5", 200, "done");
        for (int i = 0; i < 5; i++) {
            stub.on("/s" + i, 302, "", "Location", "/s" + (i + 1));
        }

        assertThat(call(aContext().build(), "{url: '" + stub.url("/s0") + "'}").get("status").asInt()).isEqualTo(200);
        ActionException e = failure("{url: '" + stub.url("/r0") + "'}");

        assertThat(e.type()).isEqualTo("http.too_many_redirects");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void withoutFollowRedirectsTheRedirectIsTheOutput() throws ActionException {
        stub.on("/old", 302, "", "Location", "http://169.254.169.254/");

        JsonNode output = call(aContext().build(), "{url: '" + stub.url("/old") + "', followRedirects: false}");

        assertThat(output.get("status").asInt()).isEqualTo(302);
        assertThat(output.get("headers").get("location").asString()).isEqualTo("http://169.254.169.254/");
        assertThat(stub.received()).hasSize(1);
    }
}
