package dev.braid.connectors.files;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.braid.engine.spi.Action;

/** The file actions of a connector, over the file system its connections open: read, write, list, move, delete, newFiles. */
public final class FileActions {

    private FileActions() {
    }

    /** {@code connector} names the error codes ({@code sftp.not_found}) and messages. */
    public static Map<String, Action> of(String connector, FileStores stores) {
        Map<String, Action> actions = new LinkedHashMap<>();
        actions.put("read", new ReadAction(connector, stores));
        actions.put("write", new WriteAction(connector, stores));
        actions.put("list", new ListAction(connector, stores));
        actions.put("move", new MoveAction(connector, stores));
        actions.put("delete", new DeleteAction(connector, stores));
        actions.put("newFiles", new NewFilesAction(connector, stores));
        return Map.copyOf(actions);
    }
}
