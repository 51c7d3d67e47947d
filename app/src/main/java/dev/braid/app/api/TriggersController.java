package dev.braid.app.api;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.triggers.health.TriggerBoard;
import dev.braid.app.triggers.health.TriggerHealth;

/**
 * The trigger health board (README "Trigger health"): per enabled recipe with an event or time trigger, its
 * state and lag — Kafka consumer lag, CDC slot lag and retained WAL, each poll's cursor and last/next poll,
 * each schedule's last and next fire and missed fires, webhook refusals of the last 24 h.
 */
@RestController
@RequestMapping("/api/v1/triggers")
public class TriggersController {

    private final TriggerBoard board;

    public TriggersController(TriggerBoard board) {
        this.board = board;
    }

    @GetMapping
    public List<TriggerHealth> triggers() {
        return board.board();
    }
}
