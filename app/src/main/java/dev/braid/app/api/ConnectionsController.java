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

import dev.braid.app.connections.ConnectionOperations;
import dev.braid.app.connections.ConnectionStore;
import dev.braid.app.connections.ConnectionTest;
import dev.braid.app.connections.Connections;
import dev.braid.app.flow.ConnectionFlowControl;
import dev.braid.app.flow.FlowLedger;
import dev.braid.app.flow.FlowSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v1/connections} (ARCHITECTURE §4): {@code {name, connector, settings}}. Fields the connector's
 * schema marks secret are write-only: answers list which are set ({@code secretFields}), never their
 * values; a PUT that leaves one out keeps it. Optional {@code circuitBreaker} and {@code rateLimit} are
 * the connection's flow control (stored together in {@code flow_control}); a PUT replaces them.
 */
@RestController
@RequestMapping("/api/v1/connections")
public class ConnectionsController {

    private final Connections connections;
    private final ConnectionStore store;
    private final ConnectionFlowControl flowControl;

    private final ConnectionTest tests;
    private final ConnectionOperations operations;
    private final FlowLedger ledger;

    public ConnectionsController(Connections connections, ConnectionStore store, ConnectionFlowControl flowControl,
                                 ConnectionTest tests, ConnectionOperations operations, FlowLedger ledger) {
        this.ledger = ledger;
        this.tests = tests;
        this.operations = operations;
        this.connections = connections;
        this.store = store;
        this.flowControl = flowControl;
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record View(String name, String connector, JsonNode settings, List<String> secretFields,
                       JsonNode circuitBreaker, JsonNode rateLimit, JsonNode flowState,
                       java.time.Instant createdAt, java.time.Instant updatedAt) {
        static View of(ConnectionStore.Stored s, JsonNode flow, JsonNode flowState) {
            return new View(s.name(), s.connector(), s.settings(),
                    s.secrets().propertyNames().stream().sorted().toList(),
                    flow == null ? null : flow.get("circuitBreaker"), flow == null ? null : flow.get("rateLimit"),
                    flowState, s.createdAt(), s.updatedAt());
        }
    }

    private View view(ConnectionStore.Stored s) {
        return View.of(s, store.flowControl(s.name()).orElse(null), null);
    }

    /**
     * The cluster-wide flow state of one connection: {@code circuit} (state as this node last read it, at most
     * {@code braid.flow.circuit-sync} old; when open: openedAt, openUntil, openedBy, failureRate) and
     * {@code rateLimit} (slice length, budgets per slice, the worst case in any period, the current window and
     * this node's leases).
     */
    private JsonNode flowState(String name) {
        return flowControl.view(name).map(v -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            if (v.circuitState() != null) {
                ObjectNode c = out.putObject("circuit");
                c.put("state", v.circuitState());
                if (v.circuit() != null) {
                    c.put("openedAt", v.circuit().openedAt().toString());
                    c.put("openUntil", v.circuit().openUntil().toString());
                    c.put("openedBy", v.circuit().openedBy());
                    c.put("failureRate", Math.round(v.circuit().failureRate()));
                }
            }
            if (v.slices() != null) {
                ObjectNode r = out.putObject("rateLimit");
                r.put("scope", "cluster");
                r.put("sliceMs", v.slices().sliceMillis());
                var budgets = r.putArray("budgetPerSlice");
                for (int b : v.slices().budgets()) {
                    budgets.add(b);
                }
                r.put("worstCasePerPeriod", v.slices().worstCase());
                r.put("nodeLeases", v.leases());
                r.put("nodeLeasedTokens", v.leasedTokens());
                ledger.rateWindow(name).ifPresent(w -> r.putObject("currentWindow")
                        .put("startsAt", w.startsAt().toString()).put("budget", w.budget()).put("granted", w.granted())
                        .put("lastLeasedBy", w.lastLeasedBy()));
            }
            return (JsonNode) out;
        }).orElse(null);
    }

    @GetMapping
    public Map<String, Object> list() {
        return Map.of("items", store.list().stream().map(this::view).toList());
    }

    @GetMapping("/{name}")
    public View get(@PathVariable String name) {
        ConnectionStore.Stored found = store.find(name).orElseThrow(() -> notFound(name));
        return View.of(found, store.flowControl(name).orElse(null), flowState(name));
    }

    /** {@code {circuitBreaker, rateLimit}} from the body, checked; null when neither is given. */
    private static ObjectNode flowOf(JsonNode body) {
        ObjectNode flow = JsonNodeFactory.instance.objectNode();
        for (String key : List.of("circuitBreaker", "rateLimit")) {
            JsonNode v = body.get(key);
            if (v != null && !v.isNull()) {
                flow.set(key, v);
            }
        }
        try {
            FlowSettings.of(flow);
        } catch (FlowSettings.FlowSettingsException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "The flow control of the connection is invalid: "
                    + e.getMessage(), Map.of("errors", List.of(Map.of("path", e.field(), "message", e.getMessage()))));
        }
        return flow.isEmpty() ? null : flow;
    }

    private void saveFlow(String name, ObjectNode flow) {
        store.putFlowControl(name, flow);
        flowControl.invalidate(name);
    }

    @PostMapping
    public ResponseEntity<View> create(@RequestBody JsonNode body) {
        String name = body.path("name").asString(null);
        if (name != null && store.find(name).isPresent()) {
            throw ApiException.conflict("A connection named '" + name + "' exists; change it with PUT /api/v1/connections/" + name);
        }
        ObjectNode flow = flowOf(body);
        connections.save(name, body.path("connector").asString(null), body.get("settings"));
        saveFlow(name, flow);
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
        ObjectNode flow = flowOf(body);
        connections.save(name, body.path("connector").asString(existing.connector()), body.get("settings"));
        saveFlow(name, flow);
        return get(name);
    }

    /** Whether the connection works: {@code {ok, detail, durationMs}}; 409 when its connector cannot test one. */
    @PostMapping("/{name}/test")
    public ConnectionTest.Result test(@PathVariable String name) {
        return tests.test(name);
    }

    /**
     * The operations of an {@code openapi} connection, from its document: {@code {openapi, server, items:
     * [{operationId, method, path, summary, parameters: [{name, in, required, schema}], requestBody}]}}.
     */
    @GetMapping("/{name}/operations")
    public JsonNode operations(@PathVariable String name) {
        return operations.of(name);
    }

    @DeleteMapping("/{name}")
    public ResponseEntity<Void> delete(@PathVariable String name) {
        if (!store.delete(name)) {
            throw notFound(name);
        }
        flowControl.invalidate(name);
        return ResponseEntity.noContent().build();
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("No connection named '" + name + "' exists");
    }
}
