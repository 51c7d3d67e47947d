package dev.braid.app.queue;

import java.net.InetAddress;
import java.util.UUID;

import org.springframework.stereotype.Component;

/** This node's name in {@code runs.locked_by}: host, process id and a random part (unique per start). */
@Component
public class NodeIdentity {

    private final String id;

    public NodeIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        this.id = host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }
}
