package dev.braid.connectors.http;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.braid.connectors.egress.HostResolver;
import dev.braid.connectors.RecordingRunLog;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

class PaginationTest {

    private final StubServer stub = StubServer.start();
    private final HttpConnector connector = new HttpConnector();
    private final Action request = connector.actions().get("request");

    @AfterEach
    void close() {
        connector.close();
        stub.close();
    }

    private JsonNode call(String with) throws ActionException {
        return call(aContext().build(), with);
    }

    private JsonNode call(ActionContext ctx, String with) throws ActionException {
        return request.execute(ctx, json(with)).output();
    }

    private ActionException failure(String with) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> call(with));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new HashMap<>();
        if (uri.getQuery() != null) {
            for (String pair : uri.getQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return params;
    }

    @Test
    void linkFollowsRelNextUntilThereIsNone() throws ActionException {
        stub.on("/items", exchange -> {
            String page = query(exchange.getRequestURI()).getOrDefault("p", "1");
            String link = switch (page) {
                case "1" -> "<" + stub.url("/items?p=2") + ">; rel=\"next\", <" + stub.url("/items?p=3") + ">; rel=\"last\"";
                case "2" -> "</items?p=1>; rel=\"prev\", </items?p=3>; rel=\"next last\"";   // relative and a rel list
                default -> "</items?p=2>; rel=\"prev\"";
            };
            StubServer.send(exchange, 200, "{\"data\": {\"items\": [\"" + page + "a\", \"" + page + "b\"]}}",
                    "Content-Type", "application/json", "Link", link);
        });

        JsonNode output = call("{url: '" + stub.url("/items") + "', query: {limit: 2},"
                + " paginate: {type: 'link', itemsPath: 'data.items'}}");

        assertThat(output).isEqualTo(json("{status: 200, pages: 3, items: ['1a', '1b', '2a', '2b', '3a', '3b']}"));
        assertThat(stub.received()).hasSize(3);
    }

    @Test
    void cursorSendsTheNextCursorUntilItIsEmpty() throws ActionException {
        stub.on("/events", exchange -> {
            String cursor = query(exchange.getRequestURI()).get("after");
            cursor = cursor != null && cursor.startsWith("c") ? cursor : null;   // the url's own after= is replaced later
            String next = cursor == null ? "\"c2\"" : cursor.equals("c2") ? "\"c3\"" : "\"\"";
            String n = cursor == null ? "1" : cursor.substring(1);
            StubServer.send(exchange, 200, "{\"results\": [{\"n\": " + n + "}], \"meta\": {\"next\": " + next + "}}",
                    "Content-Type", "application/json");
        });

        JsonNode output = call("{url: '" + stub.url("/events?after=ignored-first&kind=x") + "', "
                + "paginate: {type: 'cursor', itemsPath: 'results', cursorPath: 'meta.next', cursorParam: 'after'}}");

        assertThat(output).isEqualTo(json("{status: 200, pages: 3, items: [{n: 1}, {n: 2}, {n: 3}]}"));
        assertThat(stub.received().get(1).uri().getQuery()).isEqualTo("kind=x&after=c2");
        assertThat(stub.received().get(2).uri().getQuery()).isEqualTo("kind=x&after=c3");
    }

    @Test
    void cursorStopsWhenTheCursorIsMissing() throws ActionException {
        stub.on("/events", 200, "{\"results\": [1]}", "Content-Type", "application/json");

        JsonNode output = call("{url: '" + stub.url("/events") + "', "
                + "paginate: {type: 'cursor', itemsPath: 'results', cursorPath: 'meta.next', cursorParam: 'after'}}");

        assertThat(output.get("pages").asInt()).isEqualTo(1);
    }

    @Test
    void pageCountsUpUntilAPageIsEmpty() throws ActionException {
        stub.on("/rows", exchange -> {
            int page = Integer.parseInt(query(exchange.getRequestURI()).get("pg"));
            StubServer.send(exchange, 200, page < 2 ? "[" + page + "]" : "[]", "Content-Type", "application/json");
        });

        JsonNode output = call("{url: '" + stub.url("/rows") + "', paginate: {type: 'page', pageParam: 'pg', startPage: 0}}");

        assertThat(output).isEqualTo(json("{status: 200, pages: 3, items: [0, 1]}"));
        assertThat(stub.received()).extracting(r -> r.uri().getQuery()).containsExactly("pg=0", "pg=1", "pg=2");
    }

    @Test
    void pageDefaultsToParameterPageFromOne() throws ActionException {
        stub.on("/rows", exchange -> {
            int page = Integer.parseInt(query(exchange.getRequestURI()).get("page"));
            StubServer.send(exchange, 200, "{\"items\": " + (page <= 3 ? "[" + page + "]" : "[]") + "}",
                    "Content-Type", "application/json");
        });

        JsonNode output = call("{url: '" + stub.url("/rows") + "', paginate: {type: 'page', itemsPath: 'items'}}");

        assertThat(output.get("items")).isEqualTo(json("[1, 2, 3]"));
        assertThat(output.get("pages").asInt()).isEqualTo(4);
    }

    @Test
    void pagesLabelledAsTextAreStillReadAsJson() throws ActionException {
        stub.on("/rows", exchange -> {
            boolean first = "page=1".equals(exchange.getRequestURI().getQuery());
            StubServer.send(exchange, 200, first ? "{\"items\": [\"x\"]}" : "{\"items\": []}", "Content-Type", "text/plain");
        });

        JsonNode output = call("{url: '" + stub.url("/rows") + "', paginate: {type: 'page', itemsPath: 'items'}}");

        assertThat(output.get("items")).isEqualTo(json("['x']"));
    }

    @Test
    void stopsAtMaxPagesAndSaysSo() throws ActionException {
        stub.on("/rows", 200, "[1]", "Content-Type", "application/json");
        RecordingRunLog log = new RecordingRunLog();

        JsonNode output = call(aContext().log(log).build(), "{url: '" + stub.url("/rows") + "', paginate: {type: 'page', maxPages: 2}}");

        assertThat(output.get("pages").asInt()).isEqualTo(2);
        assertThat(stub.received()).hasSize(2);
        assertThat(log.lines()).anyMatch(l -> l.message().contains("maxPages"));
    }

    @Test
    void tooManyItemsIsFatal() {
        stub.on("/rows", 200, "[1, 2, 3]", "Content-Type", "application/json");
        HttpConnector capped = new HttpConnector(HostResolver.SYSTEM, 5);

        ActionException e = catchThrowableOfType(ActionException.class, () -> capped.actions().get("request")
                .execute(aContext().build(), json("{url: '" + stub.url("/rows") + "', paginate: {type: 'page'}}")));
        capped.close();

        assertThat(e.type()).isEqualTo("http.too_many_items");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void anItemsPathThatIsNoArrayIsFatal() {
        stub.on("/rows", 200, "{\"data\": {}}", "Content-Type", "application/json");

        ActionException e = failure("{url: '" + stub.url("/rows") + "', paginate: {type: 'page', itemsPath: 'data.items'}}");

        assertThat(e.type()).isEqualTo("http.pagination");
        assertThat(e.getMessage()).contains("data.items");
    }

    @Test
    void anErrorPageFailsTheStep() {
        stub.on("/rows", exchange -> {
            boolean second = "page=2".equals(exchange.getRequestURI().getQuery());
            StubServer.send(exchange, second ? 503 : 200, second ? "busy" : "[1]", "Content-Type", "application/json");
        });

        ActionException e = failure("{url: '" + stub.url("/rows") + "', paginate: {type: 'page'}}");

        assertThat(e.type()).isEqualTo("http.status");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void invalidPaginationSettingsAreNamed() {
        for (String paginate : new String[] {"{type: 'cursor'}", "{type: 'page', maxPages: 0}", "{type: 'page', maxPages: 1001}",
                "{type: 'scroll'}", "{maxPages: 2}", "{type: 'page', extra: 1}"}) {
            ActionException e = failure("{url: '" + stub.url("/rows") + "', paginate: " + paginate + "}");

            assertThat(e.type()).as(paginate).isEqualTo("input.invalid");
            assertThat(e.getMessage()).as(paginate).contains("with.paginate");
        }
        assertThat(stub.received()).isEmpty();
    }
}
