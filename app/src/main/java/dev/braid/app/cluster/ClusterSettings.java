package dev.braid.app.cluster;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code braid.cluster.*}: every node writes its heartbeat row every {@code heartbeat}; a node whose last
 * heartbeat is older than {@code deadAfter} is shown dead. {@code address} is how other nodes and operators
 * reach this node (default: the host name and the HTTP port; in Kubernetes the pod IP).
 */
@ConfigurationProperties("braid.cluster")
public record ClusterSettings(
        @DefaultValue("5s") Duration heartbeat,
        @DefaultValue("15s") Duration deadAfter,
        String address) {

    public ClusterSettings {
        if (deadAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("braid.cluster.dead-after (" + deadAfter + ") must be at least twice "
                    + "braid.cluster.heartbeat (" + heartbeat + "), or a busy node would be shown dead between heartbeats");
        }
    }
}
