package dev.braid.app.api;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.stats.Stats;
import dev.braid.app.stats.StatsQuery;

/**
 * Throughput, outcomes, latency percentiles, queue and dead-letter depth, SLA breaches of one recipe or
 * all (ARCHITECTURE §10), read from the stats rollups: {@code ?recipe=&window=24h&bucket=5m}.
 */
@RestController
@RequestMapping("/api/v1/stats")
public class StatsController {

    private final StatsQuery stats;

    public StatsController(StatsQuery stats) {
        this.stats = stats;
    }

    @GetMapping
    public Stats stats(@RequestParam(required = false) String recipe,
                       @RequestParam(required = false) String window,
                       @RequestParam(required = false) String bucket) {
        return stats.of(recipe == null || recipe.isBlank() ? null : recipe, window, bucket);
    }
}
