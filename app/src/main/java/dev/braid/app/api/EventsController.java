package dev.braid.app.api;

import java.io.IOException;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Live events (ARCHITECTURE §10): {@code GET /api/v1/events?recipe=} answers {@code text/event-stream} with
 * {@code run} events (a run was created or changed status; data: the run summary of the runs API), {@code step}
 * events (steps of a run finished; data: {@code {run: <summary>, steps: [{path, status}]}}) and {@code reload} events
 * (data: {@code {reason}}: re-read what is shown, then carry on), from every node of the cluster. A
 * reconnecting client sends {@code Last-Event-ID} (browsers' EventSource do) or {@code ?lastEventId=}.
 */
@RestController
public class EventsController {

    private final LiveEvents live;

    public EventsController(LiveEvents live) {
        this.live = live;
    }

    @GetMapping("/api/v1/events")
    public void events(@RequestParam(required = false) String recipe,
                       @RequestParam(required = false) String lastEventId,
                       @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
                       HttpServletRequest request, HttpServletResponse response) throws IOException {
        live.open(RunsController.blankToNull(recipe), lastEventIdHeader != null ? lastEventIdHeader : lastEventId,
                request, response);
    }
}
