package dev.braid.app.support;


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
    private volatile Stream<String> lines;
    private volatile int status;

    private EventStream(int port, String username, String password, String query, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events" + query))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                        .getBytes(StandardCharsets.UTF_8)));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        status = response.statusCode();
        lines = response.body();
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
        EventStream stream = new EventStream(port, username, password, query, lastEventId);
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
        Stream<String> s = lines;
        if (s != null) {
            s.close();
        }
        http.shutdownNow();
        reader.interrupt();
    }
}
