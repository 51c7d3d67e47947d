package dev.braid.app.api;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.triggers.schedule.ScheduleBackfill;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/recipes/{slug}/backfill} (ARCHITECTURE §4): 200 with the plan when
 * {@code preview: true}, else 202 with the runs started; see {@link ScheduleBackfill}.
 */
@RestController
public class BackfillController {

    private final ScheduleBackfill backfill;

    public BackfillController(ScheduleBackfill backfill) {
        this.backfill = backfill;
    }

    @PostMapping("/api/v1/recipes/{slug}/backfill")
    public ResponseEntity<ScheduleBackfill.Result> backfill(@PathVariable String slug,
                                                            @RequestBody(required = false) JsonNode body) {
        ScheduleBackfill.Result result = backfill.backfill(slug, body);
        return result.preview() ? ResponseEntity.ok(result) : ResponseEntity.accepted().body(result);
    }
}
