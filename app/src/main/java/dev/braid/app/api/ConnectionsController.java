package dev.braid.app.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.connections.ConnectionStore;
import dev.braid.app.connections.Connections;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/connections} (DESIGN §4): {@code {name, connector, settings}}. Fields the connector's
 * schema marks secret are write-only: answers list which are set ({@code secretFields}), never their
 * values; a PUT that leaves one out keeps it.
 */
@RestController
@RequestMapping("/api/v1/connections")
public class ConnectionsController {

    private final Connections connections;
    private final ConnectionStore store;

    public ConnectionsController(Connections connections, ConnectionStore store) {
        this.connections = connections;
        this.store = store;
    }

    public record View(String name, String connector, JsonNode settings, List<String> secretFields,
                       java.time.Instant createdAt, java.time.Instant updatedAt) {
        static View of(ConnectionStore.Stored s) {
            return new View(s.name(), s.connector(), s.settings(),
                    s.secrets().propertyNames().stream().sorted().toList(), s.createdAt(), s.updatedAt());
        }
    }

    @GetMapping
    public Map<String, Object> list() {
        return Map.of("items", store.list().stream().map(View::of).toList());
    }

    @GetMapping("/{name}")
    public View get(@PathVariable String name) {
        return store.find(name).map(View::of).orElseThrow(() -> notFound(name));
    }

    @PostMapping
    public ResponseEntity<View> create(@RequestBody JsonNode body) {
        String name = body.path("name").asString(null);
        if (name != null && store.find(name).isPresent()) {
            throw ApiException.conflict("A connection named '" + name + "' exists; change it with PUT /api/v1/connections/" + name);
        }
        connections.save(name, body.path("connector").asString(null), body.get("settings"));
        return ResponseEntity.created(URI.create("/api/v1/connections/" + name)).body(get(name));
    }

    @PutMapping("/{name}")
    public View update(@PathVariable String name, @RequestBody JsonNode body) {
        ConnectionStore.Stored existing = store.find(name).orElseThrow(() -> notFound(name));
        if (body.has("name") && !name.equals(body.path("name").asString())) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "A connection keeps its name; the body names '"
                    + body.path("name").asString() + "'", Map.of("errors", List.of(Map.of("path", "name",
                    "message", "must be '" + name + "'"))));
        }
        connections.save(name, body.path("connector").asString(existing.connector()), body.get("settings"));
        return get(name);
    }

    @DeleteMapping("/{name}")
    public ResponseEntity<Void> delete(@PathVariable String name) {
        if (!store.delete(name)) {
            throw notFound(name);
        }
        return ResponseEntity.noContent().build();
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("No connection named '" + name + "' exists");
    }
}
