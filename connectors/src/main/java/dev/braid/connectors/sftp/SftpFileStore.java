package dev.braid.connectors.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

import dev.braid.connectors.files.FileInfo;
import dev.braid.connectors.files.FilePaths;
import dev.braid.connectors.files.FileStore;

/**
 * An SFTP channel as a {@link FileStore}: paths below the connection's {@code root}, SFTP status codes as the
 * {@code java.nio.file} exceptions the file actions classify. A replacing rename uses OpenSSH's
 * {@code posix-rename} (atomic) where the server offers it, else removes the target first.
 */
final class SftpFileStore implements FileStore {

    private final SftpClient sftp;
    private final SftpSettings settings;
    private final Set<String> folders = new HashSet<>();

    private final Runnable release;

    SftpFileStore(SftpClient sftp, SftpSettings settings, Runnable release) {
        this.sftp = sftp;
        this.settings = settings;
        this.release = release;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    /** The server's path of a root-relative one. */
    private String full(String path) {
        String root = settings.root();
        if (root.isEmpty()) {
            return path.isEmpty() ? "." : path;
        }
        if (path.isEmpty()) {
            return root;
        }
        return root.endsWith("/") ? root + path : root + "/" + path;
    }

    private static IOException translate(IOException e, String path) {
        if (e instanceof SftpException s) {
            return switch (s.getStatus()) {
                case SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH -> new NoSuchFileException(path);
                case SftpConstants.SSH_FX_PERMISSION_DENIED, SftpConstants.SSH_FX_WRITE_PROTECT ->
                        new AccessDeniedException(path, null, s.getMessage());
                case SftpConstants.SSH_FX_FILE_ALREADY_EXISTS -> new FileAlreadyExistsException(path);
                default -> e;
            };
        }
        return e;
    }

    @Override
    public FileInfo stat(String path) throws IOException {
        SftpClient.Attributes a;
        try {
            a = sftp.stat(full(path));
        } catch (IOException e) {
            throw translate(e, path);
        }
        if (!a.isRegularFile()) {
            throw new NoSuchFileException(path, null, "not a regular file");
        }
        return FileInfo.of(path, a.getSize(), a.getModifyTime().toInstant());
    }

    @Override
    public boolean exists(String path) throws IOException {
        try {
            sftp.stat(full(path));
            return true;
        } catch (IOException e) {
            if (translate(e, path) instanceof NoSuchFileException) {
                return false;
            }
            throw translate(e, path);
        }
    }

    @Override
    public InputStream read(String path) throws IOException {
        try {
            return sftp.read(full(path));
        } catch (IOException e) {
            throw translate(e, path);
        }
    }

    @Override
    public OutputStream create(String path) throws IOException {
        folders(FilePaths.parent(path));
        try {
            return sftp.write(full(path));
        } catch (IOException e) {
            throw translate(e, path);
        }
    }

    /** Creates {@code dir} and its parents where missing (each folder looked at once per store). */
    private void folders(String dir) throws IOException {
        if (dir.isEmpty() || folders.contains(dir)) {
            return;
        }
        folders(FilePaths.parent(dir));
        try {
            SftpClient.Attributes a = sftp.stat(full(dir));
            if (!a.isDirectory()) {
                throw new FileAlreadyExistsException(dir, null, "a file is in the way of a folder");
            }
        } catch (IOException e) {
            if (!(translate(e, dir) instanceof NoSuchFileException)) {
                throw translate(e, dir);
            }
            try {
                sftp.mkdir(full(dir));
            } catch (IOException made) {
                if (!exists(dir)) { // another writer may have made it meanwhile
                    throw translate(made, dir);
                }
            }
        }
        folders.add(dir);
    }

    @Override
    public void rename(String from, String to, boolean replace) throws IOException {
        folders(FilePaths.parent(to));
        try {
            if (replace) {
                OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
                if (posix != null && posix.isSupported()) {
                    posix.posixRename(full(from), full(to));
                    return;
                }
                if (exists(to)) {
                    sftp.remove(full(to));
                }
            } else if (exists(to)) {
                throw new FileAlreadyExistsException(to);
            }
            sftp.rename(full(from), full(to));
        } catch (IOException e) {
            throw translate(e, from);
        }
    }

    @Override
    public void delete(String path) throws IOException {
        try {
            sftp.remove(full(path));
        } catch (IOException e) {
            throw translate(e, path);
        }
    }

    @Override
    public List<FileInfo> list(String dir, boolean recursive) throws IOException {
        List<FileInfo> files = new ArrayList<>();
        collect(dir, recursive, files);
        return files;
    }

    private void collect(String dir, boolean recursive, List<FileInfo> files) throws IOException {
        Iterable<SftpClient.DirEntry> entries;
        List<SftpClient.DirEntry> read = new ArrayList<>();
        try {
            entries = sftp.readDir(full(dir));
            entries.forEach(read::add);
        } catch (IOException e) {
            if (translate(e, dir) instanceof NoSuchFileException) {
                return;
            }
            throw translate(e, dir);
        }
        for (SftpClient.DirEntry entry : read) {
            String name = entry.getFilename();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            SftpClient.Attributes a = entry.getAttributes();
            String path = FilePaths.join(dir, name);
            if (a.isRegularFile()) {
                files.add(FileInfo.of(path, a.getSize(), a.getModifyTime().toInstant()));
            } else if (recursive && a.isDirectory()) {
                collect(path, true, files);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sftp.close();
        } finally {
            release.run();
        }
    }
}
