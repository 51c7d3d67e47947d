package dev.braid.connectors.core;

import java.util.Map;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.Connector;

/** Actions that touch nothing outside the run: {@code core.log}, {@code core.transform}, {@code core.delay} and {@code core.reconcile}. */
public final class CoreConnector implements Connector {

    private final Map<String, Action> actions = Map.of(
            "log", new LogAction(),
            "transform", new TransformAction(),
            "delay", new DelayAction(),
            "reconcile", new ReconcileAction());

    @Override
    public String name() {
        return "core";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public String description() {
        return "Built-in steps that work on the run's own data: write to the run log, reshape values, wait durably, reconcile two sets of rows.";
    }
}
