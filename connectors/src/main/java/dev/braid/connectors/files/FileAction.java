package dev.braid.connectors.files;

import java.io.IOException;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every file action does around its own operation: check {@code with:} against the schema, answer a dry
 * run without opening the file system, open the connection's {@link FileStore} for the call and close it after,
 * and turn I/O failures into step errors named after the connector ({@code files.not_found}, {@code sftp.permission}).
 */
abstract class FileAction implements Action {

    final String connector;
    final FileStores stores;
    private final JsonSchema input;
    private final String description;
    private final JsonNode example;

    FileAction(String connector, FileStores stores, String schema, String description, String example) {
        this.connector = connector;
        this.stores = stores;
        this.input = JsonSchema.parse(schema);
        this.description = description;
        this.example = JsonMapper.shared().readTree(example);
    }

    @Override
    public final JsonNode inputSchema() {
        return input.node();
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final JsonNode example() {
        return example.deepCopy();
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public final ActionResult execute(ActionContext ctx, JsonNode with) throws ActionException {
        JsonNode checked = Inputs.orEmptyObject(with);
        input.requireValid(checked, "with");
        if (ctx.dryRun()) {
            return ActionResult.of(describe(checked).put("dryRun", true));
        }
        FileStore store = stores.open(ctx);
        try (store) {
            return ActionResult.of(run(ctx, store, checked));
        } catch (IOException e) {
            throw FileFailure.of(connector, e, connector + "." + verb() + " at " + store.describe());
        }
    }

    /** The operation; throws {@link IOException} for what {@link FileFailure} classifies. */
    abstract ObjectNode run(ActionContext ctx, FileStore store, JsonNode with) throws IOException, ActionException;

    /** The action's short name, {@code read}, for messages. */
    abstract String verb();

    /** What a dry run answers: what the step would do, touching nothing. */
    abstract ObjectNode describe(JsonNode with) throws ActionException;

    String path(JsonNode with, String field) throws ActionException {
        return FilePaths.normalise(connector, "with." + field, with.path(field).asString(""));
    }

    String text(JsonNode with, String field, String fallback) {
        JsonNode v = with.get(field);
        return v == null || v.isNull() ? fallback : v.asString();
    }
}
