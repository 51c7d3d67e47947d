package dev.braid.app.support;

import java.util.Map;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionResult;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Test class path only: {@code halt.jvm {afterMs}} takes its node down — {@code Runtime.halt(1)}, no
 * shutdown hook, nothing handed back, as a native crash or the kernel's OOM killer would — a moment after
 * it is called (so that the webhook that started the run is answered first). For poison-run tests in a
 * {@link ServerProcess}; never used in the shared test server.
 */
public final class HaltConnector implements Connector {

    /** The exit status a halted server ends with. */
    public static final int STATUS = 71;

    @Override
    public String name() {
        return "halt";
    }

    @Override
    public String description() {
        return "Test only: halts the JVM.";
    }

    @Override
    public Map<String, Action> actions() {
        return Map.of("jvm", new Action() {
            @Override
            public JsonNode inputSchema() {
                return JsonNodeFactory.instance.objectNode().put("type", "object");
            }

            @Override
            public JsonNode example() {
                return JsonNodeFactory.instance.objectNode().put("afterMs", 500);
            }

            @Override
            public ActionResult execute(ActionContext ctx, JsonNode input) {
                try {
                    Thread.sleep(input.path("afterMs").asLong(500));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(STATUS);
                throw new IllegalStateException("unreachable");
            }
        });
    }
}
