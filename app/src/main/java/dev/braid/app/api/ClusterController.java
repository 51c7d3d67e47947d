package dev.braid.app.api;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.cluster.ClusterHeartbeat;
import dev.braid.app.cluster.ClusterNodes;
import dev.braid.app.cluster.ClusterSettings;
import dev.braid.app.config.BraidProperties;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/cluster} (ARCHITECTURE §12): every node with its address, version, start, last heartbeat,
 * state (alive, dead, stopped), the runs it holds leases of and the trigger readers it owns; and the bounds
 * within which a dead node's share moves: its runs' leases expire ({@code braid.worker.lease}) and are put back
 * in the queue by the next reap ({@code braid.worker.reap-interval}).
 */
@RestController
@RequestMapping("/api/v1/cluster")
public class ClusterController {

    private final ClusterNodes nodes;
    private final ClusterHeartbeat heartbeat;
    private final ClusterSettings settings;
    private final BraidProperties properties;

    public ClusterController(ClusterNodes nodes, ClusterHeartbeat heartbeat, ClusterSettings settings, BraidProperties properties) {
        this.nodes = nodes;
        this.heartbeat = heartbeat;
        this.settings = settings;
        this.properties = properties;
    }

    @GetMapping
    public ObjectNode cluster() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("self", heartbeat.nodeId());
        ObjectNode bounds = out.putObject("bounds");
        bounds.put("heartbeat", settings.heartbeat().toString());
        bounds.put("deadAfter", settings.deadAfter().toString());
        bounds.put("leasesReturnWithin", properties.worker().lease().plus(properties.worker().reapInterval()).toString());
        ArrayNode items = out.putArray("nodes");
        for (ClusterNodes.Node n : nodes.all(settings.deadAfter())) {
            ObjectNode node = items.addObject();
            node.put("id", n.id());
            node.put("address", n.address());
            node.put("version", n.version());
            node.put("startedAt", RunView.text(n.startedAt()));
            node.put("lastHeartbeat", RunView.text(n.lastHeartbeat()));
            node.put("stoppedAt", RunView.text(n.stoppedAt()));
            node.put("state", n.state());
            node.put("self", n.id().equals(heartbeat.nodeId()));
            node.put("runsLeased", n.runsLeased());
            node.set("readers", n.readers());
        }
        return out;
    }
}
