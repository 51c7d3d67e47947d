package dev.braid.app.flow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code braid.flow.*}: how the nodes share the connections' circuits. A node reads a connection's shared circuit
 * at most every {@code circuitSync}, so a circuit another node opened stops this node's calls within that time.
 * A half-open circuit's probe that has not reported within {@code probeTimeout} (its node died) no longer counts,
 * and another node may probe.
 */
@ConfigurationProperties("braid.flow")
public record FlowControlSettings(
        @DefaultValue("1s") Duration circuitSync,
        @DefaultValue("60s") Duration probeTimeout) {

    public static final FlowControlSettings DEFAULTS = new FlowControlSettings(Duration.ofSeconds(1), Duration.ofSeconds(60));
}
