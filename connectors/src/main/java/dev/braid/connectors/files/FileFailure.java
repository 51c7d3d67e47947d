package dev.braid.connectors.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

import dev.braid.engine.spi.ActionException;

/**
 * File-system failures as step errors, with codes under the connector's name ({@code sftp.not_found}):
 * a missing file, a refused permission or an existing target fail at once (another attempt meets the same
 * file system); an unreachable server, a timeout or a dropped connection is retried ({@code .unavailable}),
 * and so is any other I/O error ({@code .io}: a full disk may have room later).
 */
public final class FileFailure {

    private FileFailure() {
    }

    public static ActionException of(String connector, IOException e, String what) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof NoSuchFileException) {
            return ActionException.fatal(connector + ".not_found", what + ": no such file or folder (" + reason + ")", e);
        }
        if (e instanceof AccessDeniedException) {
            return ActionException.fatal(connector + ".permission", what + ": permission denied (" + reason + ")", e);
        }
        if (e instanceof FileAlreadyExistsException) {
            return ActionException.fatal(connector + ".exists", what + ": the target exists (" + reason
                    + "); use ifExists: overwrite to replace it or skip to leave it", e);
        }
        if (e instanceof NotDirectoryException) {
            return ActionException.fatal(connector + ".not_found", what + ": not a folder (" + reason + ")", e);
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException
                || e instanceof SocketException || e instanceof InterruptedIOException) {
            return ActionException.retryable(connector + ".unavailable", what + ": " + reason, e);
        }
        return ActionException.retryable(connector + ".io", what + ": " + reason, e);
    }
}
