package dev.braid.app.support;


import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A live-event client ({@code GET /api/v1/events}, text/event-stream) over java.net.http with a streaming
 * body: every event as it arrives, with the time it arrived. Closing it cancels the stream.
 */
public final class EventStream implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One event; {@code data} parsed as JSON. */
    public record Event(String id, String type, JsonNode data, Instant at) {
        /** The run summary: the data of a run event, the data's {@code run} of a step event. */
        public JsonNode run() {
            return "step".equals(type) ? data.path("run") : data;
        }
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Thread reader;
    private final InputStream body;
    private final Stream<String> lines;
    private final int status;
    private final String encoding;

    private EventStream(int port, String username, String password, String query, String lastEventId, boolean gzip) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events" + query))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                        .getBytes(StandardCharsets.UTF_8)));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        if (gzip) {
            request.header("Accept-Encoding", "gzip, deflate, br"); // as browsers send it
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
            body = "gzip".equals(encoding) ? new GZIPInputStream(response.body(), 512) {
                // InflaterInputStream says 1 until the end, and the reader then waits for more before it hands
                // over the lines it has: the last events of a batch would wait for the next batch
                @Override
                public int available() {
                    return 0;
                }
            } : response.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)).lines();
        reader = Thread.ofVirtual().start(this::read);
    }

    /** Opens a stream as admin; {@code query} like {@code ?recipe=x} or empty. */
    public static EventStream open(int port, String password, String query) {
        return open(port, password, query, null);
    }

    public static EventStream open(int port, String password, String query, String lastEventId) {
        return open(port, "admin", password, query, lastEventId);
    }

    /** As any user. */
    public static EventStream open(int port, String username, String password, String query, String lastEventId) {
        return open(port, username, password, query, lastEventId, false);
    }

    /** As admin, saying (as browsers do) that it takes gzip. */
    public static EventStream openTakingGzip(int port, String password, String query) {
        return open(port, "admin", password, query, null, true);
    }

    private static EventStream open(int port, String username, String password, String query, String lastEventId, boolean gzip) {
        EventStream stream = new EventStream(port, username, password, query, lastEventId, gzip);
        if (stream.status != 200) {
            throw new IllegalStateException("GET /api/v1/events answered " + stream.status);
        }
        return stream;
    }

    private void read() {
        String id = null;
        String type = "message";
        StringBuilder data = new StringBuilder();
        try {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, type, JSON.readTree(data.toString()), Instant.now()));
                    }
                    id = null;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (RuntimeException e) {
            // closed
        }
    }

    /** The response's {@code Content-Encoding} ({@code identity} when none). */
    public String encoding() {
        return encoding;
    }

    public List<Event> events() {
        return new ArrayList<>(events);
    }

    /** Waits up to {@code atMost} for an event matching {@code match} and answers the first. */
    public Event await(Predicate<Event> match, Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() -> events.stream().anyMatch(match));
        return events.stream().filter(match).findFirst().orElseThrow();
    }

    /** The events of one run, in order of arrival. */
    public List<Event> ofRun(String runId) {
        return events.stream().filter(e -> runId.equals(e.run().path("id").asString())).toList();
    }

    public String lastId() {
        List<Event> all = events();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).id() != null) {
                return all.get(i).id();
            }
        }
        return null;
    }

    @Override
    public void close() {
        lines.close();
        try {
            body.close();
        } catch (IOException e) {
            // closing anyway
        }
        http.shutdownNow();
        reader.interrupt();
    }
}
