package dev.braid.connectors.sftp;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.braid.connectors.files.FileActions;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;

/**
 * {@code sftp.*}: the file actions of {@code files} ({@link FileActions}) on an SFTP server, over Apache MINA
 * SSHD's client: one SSH session per connection, an SFTP channel per action, the server's host key checked
 * against the connection's fingerprint.
 */
public final class SftpConnector implements Connector, AutoCloseable {

    private final SftpSessions sessions = new SftpSessions();
    private final Map<String, Action> actions = FileActions.of("sftp", this::open);

    @Override
    public String name() {
        return "sftp";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public JsonNode connectionSchema() {
        return SftpSettings.SCHEMA.node();
    }

    @Override
    public String description() {
        return "Read, write (atomically), list, move and delete files on an SFTP server, its host key checked; poll a "
                + "folder for new files (newFiles with a poll trigger), moved to a done folder or remembered once their runs are stored.";
    }

    @Override
    public Optional<String> testConnection(ActionContext context) throws ActionException {
        SftpSettings settings = SftpSettings.from(context.connection());
        try (SftpFileStore store = open(context)) {
            int files = store.list("", false).size();
            return Optional.of("logged in to " + settings.describe() + " as " + settings.username() + "; " + files
                    + " file(s) in the root folder");
        } catch (java.io.IOException e) {
            throw dev.braid.connectors.files.FileFailure.of("sftp", e, "listing the root of " + settings.describe());
        }
    }

    private SftpFileStore open(ActionContext context) throws ActionException {
        SftpSettings settings = SftpSettings.from(context.connection());
        Duration wait = context.remaining();
        SftpSessions.Channel channel = sessions.open(settings, wait);
        return new SftpFileStore(channel.sftp(), settings, channel.release());
    }

    @Override
    public void close() {
        sessions.close();
    }
}
