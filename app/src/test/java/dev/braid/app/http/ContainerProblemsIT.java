package dev.braid.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.braid.app.support.BraidIntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Tomcat refuses before Spring sees the request, sent over raw sockets as an attacker would: each
 * answer is an RFC 9457 problem (issue 14), never Tomcat's HTML page.
 */
class ContainerProblemsIT extends BraidIntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    RawHttp.Answer send(String head) throws Exception {
        return RawHttp.exchange(port, head.getBytes(StandardCharsets.ISO_8859_1));
    }

    static JsonNode assertProblem(RawHttp.Answer answer, int status) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.header("content-type")).as(answer.toString()).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContain("<html", "Apache Tomcat", "<!doctype");
        JsonNode problem = JSON.readTree(answer.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("detail").asString()).isNotBlank();
        return problem;
    }

    @Test
    void anEncodedSlashInThePathIsAProblem() throws Exception {
        for (String path : new String[] {"/hooks/a%2Fb", "/hooks/a%2fb", "/api/v1/recipes/..%2F..%2Fetc"}) {
            JsonNode problem = assertProblem(send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
            assertThat(problem.path("detail").asString()).contains("%2F");
            System.out.println(path + " -> " + problem);
        }
    }

    @Test
    void anEncodedBackslashInThePathIsAProblem() throws Exception {
        for (String path : new String[] {"/hooks/a%5Cb", "/api/v1/recipes/x%5c..%5cy"}) {
            JsonNode problem = assertProblem(send("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                    + "Content-Type: application/json\r\nConnection: close\r\n\r\n{}"), 400);
            assertThat(problem.path("detail").asString()).contains("%5C");
        }
    }

    @Test
    void tenThousandHeadersAreAProblem() throws Exception {
        StringBuilder head = new StringBuilder("POST /hooks/anything HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 10_000; i++) {
            head.append("X-Header-").append(i).append(": value-").append(i).append("\r\n");
        }
        head.append("Content-Length: 2\r\nConnection: close\r\n\r\n{}");
        RawHttp.Answer answer = send(head.toString());
        System.out.println("10,000 headers -> " + answer.status() + " " + answer.headers() + " " + answer.body());
        assertProblem(answer, 400);
    }

    @Test
    void moreHeadersThanAllowedButSmallAreAProblem() throws Exception {
        StringBuilder head = new StringBuilder("GET /api/v1/recipes HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 150; i++) {
            head.append("X-").append(i).append(": v\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        assertProblem(send(head.toString()), 400);
    }

    @Test
    void aMalformedRequestLineOrHeaderIsAProblem() throws Exception {
        assertProblem(send("GET /hooks/a b c HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
        assertProblem(send("GET /hooks/x HTTP/1.1\r\nHost: localhost\r\nBad Header Name: v\r\nConnection: close\r\n\r\n"), 400);
        assertProblem(send("GET /hooks/\u007f HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void theApplicationsOwnAnswersAreUnchanged() throws Exception {
        JsonNode problem = assertProblem(send("GET /api/v1/recipes HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 401);
        assertThat(problem.path("detail").asString()).contains("HTTP Basic");
        assertProblem(send("POST /hooks/no-such-hook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}"), 404);
    }
}
