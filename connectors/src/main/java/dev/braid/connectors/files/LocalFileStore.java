package dev.braid.connectors.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A local folder as a {@link FileStore}. Paths are already free of {@code ..}; a symbolic link inside the root that
 * points outside it is refused as well ({@link java.nio.file.AccessDeniedException}), so the root is a real boundary.
 */
final class LocalFileStore implements FileStore {

    private final Path root;

    LocalFileStore(Path root) {
        this.root = root;
    }

    @Override
    public String describe() {
        return "files:" + root;
    }

    private Path resolve(String path) throws IOException {
        Path p = path.isEmpty() ? root : root.resolve(path);
        // The deepest part that exists, through its links, must still be inside the root.
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && !existing.toRealPath().startsWith(root)) {
            throw new java.nio.file.AccessDeniedException(path, null, "a link leads outside the connection's root folder");
        }
        return p;
    }

    @Override
    public FileInfo stat(String path) throws IOException {
        Path p = resolve(path);
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new NoSuchFileException(path, null, "not a regular file");
        }
        return FileInfo.of(path, a.size(), a.lastModifiedTime().toInstant());
    }

    @Override
    public boolean exists(String path) throws IOException {
        return Files.exists(resolve(path));
    }

    @Override
    public InputStream read(String path) throws IOException {
        return Files.newInputStream(resolve(path));
    }

    @Override
    public OutputStream create(String path) throws IOException {
        Path p = resolve(path);
        Files.createDirectories(p.getParent());
        return Files.newOutputStream(p);
    }

    @Override
    public void rename(String from, String to, boolean replace) throws IOException {
        Path source = resolve(from);
        Path target = resolve(to);
        Files.createDirectories(target.getParent());
        if (!replace) {
            try {
                Files.createLink(target, source); // fails when the target exists, atomically
            } catch (UnsupportedOperationException noLinks) {
                Files.move(source, target);       // checks, then moves
                return;
            }
            Files.delete(source);
            return;
        }
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void delete(String path) throws IOException {
        Files.delete(resolve(path));
    }

    @Override
    public List<FileInfo> list(String dir, boolean recursive) throws IOException {
        Path folder = resolve(dir);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<FileInfo> files = new ArrayList<>();
        try (Stream<Path> walk = recursive ? Files.walk(folder) : Files.list(folder)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue; // moved away while listing
                }
                if (a.isRegularFile()) {
                    String relative = root.relativize(p).toString().replace('\\', '/');
                    files.add(FileInfo.of(relative, a.size(), a.lastModifiedTime().toInstant()));
                }
            }
        }
        return files;
    }

    @Override
    public void close() {
        // nothing held between calls
    }
}
