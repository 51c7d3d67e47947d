package dev.braid.app.api;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.audit.AuditTrail;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/v1/audit?user=&from=&to=}: who changed what, newest first, paged. */
@RestController
@RequestMapping("/api/v1/audit")
public class AuditController {

    private final AuditTrail trail;

    public AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    @GetMapping
    public Paging.Page<ObjectNode> list(@RequestParam(required = false) String user,
                                        @RequestParam(required = false) String from,
                                        @RequestParam(required = false) String to,
                                        @RequestParam(required = false) Integer limit,
                                        @RequestParam(required = false) String cursor) {
        int n = Paging.limit(limit);
        Long before = null;
        String key = Paging.key(cursor);
        if (key != null) {
            try {
                before = Long.parseLong(key);
            } catch (NumberFormatException e) {
                throw Paging.invalidCursor();
            }
        }
        List<AuditTrail.Entry> rows = trail.list(RunsController.blankToNull(user), RunsController.instant("from", from),
                RunsController.instant("to", to), before, n + 1);
        return Paging.page(rows, n, AuditController::view, e -> Long.toString(e.id()));
    }

    private static ObjectNode view(AuditTrail.Entry e) {
        return JsonNodeFactory.instance.objectNode()
                .put("id", e.id())
                .put("at", e.at().toString())
                .put("user", e.username())
                .put("action", e.action())
                .put("target", e.target())
                .put("status", e.status());
    }
}
