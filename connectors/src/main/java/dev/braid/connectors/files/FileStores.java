package dev.braid.connectors.files;

import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;

/**
 * Opens the {@link FileStore} of a step's connection: what {@code files} and {@code sftp} differ in. The
 * actions ({@link FileActions}) are the same for both.
 */
@FunctionalInterface
public interface FileStores {

    /** Throws a fatal error for settings that cannot work, a retryable one for a server that cannot be reached now. */
    FileStore open(ActionContext context) throws ActionException;
}
