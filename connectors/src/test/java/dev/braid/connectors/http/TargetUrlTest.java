package dev.braid.connectors.http;

import static dev.braid.connectors.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.node.MissingNode;

class TargetUrlTest {

    @ParameterizedTest
    @CsvSource({
            "https://crm.example/api/v2,  /customers/7,  https://crm.example/api/v2/customers/7",
            "https://crm.example/api/v2/, /customers/7,  https://crm.example/api/v2/customers/7",
            "https://crm.example/api/v2/, customers/7,   https://crm.example/api/v2/customers/7",
            "https://crm.example/api/v2,  ?page=2,       https://crm.example/api/v2?page=2",
            "https://crm.example/api,     https://other.example/x, https://other.example/x",
            "https://crm.example/api,     /a#section,    https://crm.example/api/a"})
    void joinsRelativeUrlsToTheBase(String base, String url, String expected) throws ActionException {
        assertThat(TargetUrl.resolve(url, base, MissingNode.getInstance())).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://x.example/s          | {q: 'a&b=c'}        | https://x.example/s?q=a%26b%3Dc",
            "https://x.example/s?fixed=1  | {n: 1.5, b: false}  | https://x.example/s?fixed=1&n=1.5&b=false",
            "https://x.example/s          | {'ü ber': ['x/y']}  | https://x.example/s?%C3%BC%20ber=x%2Fy",
            "https://x.example/s          | {}                  | https://x.example/s"})
    void appendsEncodedQueryParameters(String url, String query, String expected) throws ActionException {
        assertThat(TargetUrl.resolve(url, null, json(query))).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @CsvSource({
            "https://user:pw@x.example:8443/a/b?token=s, https://x.example:8443/a/b",
            "http://x.example, http://x.example"})
    void messagesShowNeitherCredentialsNorQuery(String url, String shown) {
        assertThat(TargetUrl.forMessage(URI.create(url))).isEqualTo(shown);
    }
}
