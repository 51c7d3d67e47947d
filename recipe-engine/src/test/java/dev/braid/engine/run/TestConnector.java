package dev.braid.engine.run;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Connector {@code t} for executor tests: {@code t.transform} (pure, answers {@code {value}}),
 * {@code t.log} (pure, writes {@code message} to the run log) and {@code t.call} (side-effecting,
 * counts calls, remembers their contexts, and fails as scripted). More actions can be added.
 */
final class TestConnector implements Connector {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final CallAction call = new CallAction();
    private final Map<String, Action> actions = new LinkedHashMap<>();

    TestConnector() {
        actions.put("transform", new PureAction(input -> NODES.objectNode().set("value", input.get("value"))));
        actions.put("log", new LogAction());
        actions.put("call", call);
        actions.put("wait", new WaitAction());
    }

    /** Waits durably 5 s (like core.delay): asks to be called again, then answers the time it waited for. */
    static final class WaitAction implements Action {
        final List<ActionContext> contexts = Collections.synchronizedList(new ArrayList<>());

        @Override
        public JsonNode inputSchema() {
            return NODES.objectNode();
        }

        @Override
        public ActionResult execute(ActionContext ctx, JsonNode input) {
            contexts.add(ctx);
            if (ctx.resumedState().isPresent()) {
                java.time.Instant until = java.time.Instant.parse(ctx.resumedState().get().get("until").asString());
                if (!ctx.clock().instant().isBefore(until)) {
                    return ActionResult.of(NODES.objectNode().put("waitedUntil", until.toString()));
                }
                return ActionResult.waitUntil(until, ctx.resumedState().get());
            }
            java.time.Instant until = ctx.clock().instant().plusSeconds(5);
            return ActionResult.waitUntil(until, NODES.objectNode().put("until", until.toString()));
        }
    }

    TestConnector with(String name, Action action) {
        actions.put(name, action);
        return this;
    }

    @Override
    public String name() {
        return "t";
    }

    /** Null unless a test sets it: most tests want steps without a connection to get none. */
    String defaultConnection;

    @Override
    public String defaultConnection() {
        return defaultConnection;
    }

    @Override
    public Map<String, Action> actions() {
        return Collections.unmodifiableMap(actions);
    }

    interface Body {
        JsonNode apply(JsonNode input) throws ActionException;
    }

    static final class PureAction implements Action {
        final AtomicInteger calls = new AtomicInteger();
        private final Body body;

        PureAction(Body body) {
            this.body = body;
        }

        @Override
        public JsonNode inputSchema() {
            return NODES.objectNode();
        }

        @Override
        public boolean pure() {
            return true;
        }

        @Override
        public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
            calls.incrementAndGet();
            return ActionResult.of(body.apply(input));
        }
    }

    static final class LogAction implements Action {
        @Override
        public JsonNode inputSchema() {
            return NODES.objectNode();
        }

        @Override
        public boolean pure() {
            return true;
        }

        @Override
        public ActionResult execute(ActionContext ctx, JsonNode input) {
            String message = input.path("message").asString();
            ctx.log().info(message);
            return ActionResult.of(NODES.objectNode().put("logged", message));
        }
    }

    /** The side-effecting action: every call is counted and its context kept; failures are scripted in order. */
    static final class CallAction implements Action {

        private final AtomicInteger calls = new AtomicInteger();
        private final List<ActionContext> contexts = Collections.synchronizedList(new ArrayList<>());
        private final List<JsonNode> inputs = Collections.synchronizedList(new ArrayList<>());
        private final Deque<Failure> script = new ArrayDeque<>();

        private sealed interface Failure {}

        private record Thrown(ActionException exception) implements Failure {}

        private record Crash(RuntimeException exception) implements Failure {}

        synchronized CallAction failRetryably(int times) {
            for (int i = 0; i < times; i++) {
                script.add(new Thrown(ActionException.retryable("test.unavailable", "target unavailable")));
            }
            return this;
        }

        synchronized CallAction failRetryably(Duration retryAfter) {
            script.add(new Thrown(ActionException.retryable("test.throttled", "slow down", retryAfter)));
            return this;
        }

        synchronized CallAction failFatally() {
            script.add(new Thrown(ActionException.fatal("test.rejected", "target rejected the input")));
            return this;
        }

        synchronized CallAction crash(RuntimeException e) {
            script.add(new Crash(e));
            return this;
        }

        int calls() {
            return calls.get();
        }

        List<ActionContext> contexts() {
            synchronized (contexts) {
                return List.copyOf(contexts);
            }
        }

        ActionContext lastContext() {
            List<ActionContext> all = contexts();
            return all.getLast();
        }

        List<JsonNode> inputs() {
            synchronized (inputs) {
                return List.copyOf(inputs);
            }
        }

        @Override
        public JsonNode inputSchema() {
            return NODES.objectNode();
        }

        @Override
        public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
            int n = calls.incrementAndGet();
            contexts.add(ctx);
            inputs.add(input);
            Failure failure;
            synchronized (this) {
                failure = script.poll();
            }
            if (failure instanceof Thrown t) {
                throw t.exception();
            }
            if (failure instanceof Crash c) {
                throw c.exception();
            }
            ObjectNode out = NODES.objectNode();
            out.put("call", n);
            out.set("input", input);
            return ActionResult.of(out);
        }
    }
}
