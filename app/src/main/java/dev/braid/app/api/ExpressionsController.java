package dev.braid.app.api;

import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.braid.app.secrets.Masker;
import dev.braid.app.secrets.SecretStore;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import dev.braid.app.store.StepStore;
import dev.braid.engine.expr.ExpressionException;
import dev.braid.engine.expr.Expressions;
import dev.braid.engine.run.StepRecord;
import dev.braid.engine.run.TriggerContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * {@code POST /api/v1/expressions/evaluate} (issue 17): a bare {@code expression} or a {@code template} with
 * {@code {{ }}} parts, evaluated with the limits runs have, against a given {@code context} or the context a
 * step of a stored run ({@code runId}) sees — its trigger, the outputs of its steps, {@code run} — where
 * {@code secrets} holds each secret's name with a mask, never its value. With both, {@code context}'s
 * fields are laid over the run's (e.g. an {@code item}). Answers {@code {value}}.
 */
@RestController
@RequestMapping("/api/v1/expressions")
public class ExpressionsController {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Expressions expressions;
    private final RunStore runs;
    private final StepStore steps;
    private final SecretStore secrets;

    public ExpressionsController(Expressions expressions, RunStore runs, StepStore steps, SecretStore secrets) {
        this.expressions = expressions;
        this.runs = runs;
        this.steps = steps;
        this.secrets = secrets;
    }

    @PostMapping(path = "/evaluate", consumes = "application/json")
    public ObjectNode evaluate(@RequestBody JsonNode body) {
        if (body == null || !body.isObject()) {
            throw field("", "The body must be a JSON object: {\"expression\": \"...\"} or {\"template\": \"...\"}, "
                    + "with \"context\": {...} or \"runId\": \"...\"");
        }
        JsonNode expression = body.get("expression");
        JsonNode template = body.get("template");
        if ((expression == null) == (template == null)) {
            throw field(expression == null ? "expression" : "template", "Give exactly one of 'expression' (a bare JSONata "
                    + "expression, e.g. trigger.body.id) and 'template' (text with {{ }} parts, e.g. \"order {{ trigger.body.id }}\")");
        }
        String name = expression != null ? "expression" : "template";
        JsonNode text = expression != null ? expression : template;
        if (!text.isString()) {
            throw field(name, "'" + name + "' must be a string");
        }
        ObjectNode context = context(body);
        try {
            JsonNode value = expression != null
                    ? expressions.evaluate(text.asString(), context)
                    : expressions.render(StringNode.valueOf(text.asString()), context);
            ObjectNode out = NODES.objectNode();
            out.set("value", value == null || value.isMissingNode() ? NODES.nullNode() : value);
            return out;
        } catch (ExpressionException e) {
            Map<String, Object> where = new java.util.LinkedHashMap<>();
            where.put("field", name);
            if (e.expression() != null) {
                where.put("expression", e.expression());
                int offset = expression != null ? 0 : Math.max(0, text.asString().indexOf(e.expression()));
                e.position().ifPresent(p -> where.put("position", offset + p));
            }
            throw new ApiException(HttpStatus.BAD_REQUEST, e.getMessage(), where);
        }
    }

    private ObjectNode context(JsonNode body) {
        JsonNode given = body.get("context");
        JsonNode runId = body.get("runId");
        if (given != null && !given.isObject() && !given.isNull()) {
            throw field("context", "'context' must be a JSON object, e.g. {\"trigger\": {\"body\": {\"id\": 1}}}");
        }
        ObjectNode context = NODES.objectNode();
        if (runId != null && !runId.isNull()) {
            context.setAll(storedRunContext(runId));
        }
        if (given != null && given.isObject()) {
            context.setAll((ObjectNode) given);
        }
        return context;
    }

    /** What a step of the run sees: its trigger, the outputs of the steps recorded at the run's level, and masked secrets. */
    private ObjectNode storedRunContext(JsonNode runId) {
        UUID id;
        try {
            id = UUID.fromString(runId.asString(""));
        } catch (IllegalArgumentException e) {
            throw field("runId", "'runId' must be a run id (a UUID such as 0190b7c2-7a3e-7d1a-9c1e-2b8f4a5d6e7f); found " + runId);
        }
        RunRow run = runs.find(id).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "No run '" + id + "' exists",
                Map.of("field", "runId")));
        ObjectNode context = NODES.objectNode();
        context.set("trigger", TriggerContext.of(run.trigger()));
        ObjectNode stepOutputs = context.putObject("steps");
        for (StepStore.SeqRecord r : steps.load(id).values()) {
            StepRecord step = r.record();
            // Steps inside a foreach iteration (lines[2].reserve) are not visible at the run's level.
            if (step.path().contains("[") || step.output() == null) {
                continue;
            }
            String stepId = step.path().substring(step.path().lastIndexOf('.') + 1);
            stepOutputs.putObject(stepId).set("output", step.output());
        }
        ObjectNode runView = context.putObject("run");
        runView.put("id", run.id().toString());
        runView.put("recipe", run.recipe());
        runView.put("attempt", run.attempt());
        ObjectNode masked = context.putObject("secrets");
        for (SecretStore.Info secret : secrets.list()) {
            masked.put(secret.name(), Masker.MASK);
        }
        return context;
    }

    private static ApiException field(String field, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail, Map.of("field", field));
    }
}
