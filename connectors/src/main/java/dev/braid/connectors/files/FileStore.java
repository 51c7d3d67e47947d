package dev.braid.connectors.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The file system one action talks to, opened for that action and closed after it: a local folder
 * ({@code files}) or an SFTP server ({@code sftp}). Every path is already {@link FilePaths#normalise normalised}
 * and relative to the connection's root. Failures are the {@code java.nio.file} exceptions where one fits
 * ({@link java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException},
 * {@link java.nio.file.FileAlreadyExistsException}), which {@link FileFailure} turns into step errors.
 */
public interface FileStore extends AutoCloseable {

    /** Where it points, for messages: {@code files:/srv/drop} or {@code sftp://braid@host:22/upload}. */
    String describe();

    /** The regular file at {@code path}; {@link java.nio.file.NoSuchFileException} when there is none. */
    FileInfo stat(String path) throws IOException;

    boolean exists(String path) throws IOException;

    InputStream read(String path) throws IOException;

    /** A new or truncated file, its folders created first. */
    OutputStream create(String path) throws IOException;

    /**
     * Renames (atomically where the file system can); with {@code replace} an existing target is replaced,
     * without it the rename fails with {@link java.nio.file.FileAlreadyExistsException}. Creates the target's folders.
     */
    void rename(String from, String to, boolean replace) throws IOException;

    void delete(String path) throws IOException;

    /** The regular files in {@code dir} (and below it when {@code recursive}); a missing folder has none. */
    List<FileInfo> list(String dir, boolean recursive) throws IOException;

    @Override
    void close() throws IOException;
}
