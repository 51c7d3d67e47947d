package dev.braid.connectors.files;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;

import dev.braid.engine.spi.ActionException;

/**
 * Which files a list or a poll takes: a glob ({@code *.csv}, {@code {orders,refunds}-*.json}) over the file's name,
 * or over its path below the listed folder when the glob has a {@code /} ({@code 2026/** /*.csv}); Braid's own
 * temporary files of an unfinished write ({@code .x.braid-….tmp}) are never taken.
 */
final class FileFilter {

    private final PathMatcher matcher;
    private final boolean onPath;

    private FileFilter(PathMatcher matcher, boolean onPath) {
        this.matcher = matcher;
        this.onPath = onPath;
    }

    static FileFilter of(String glob) throws ActionException {
        try {
            return new FileFilter(FileSystems.getDefault().getPathMatcher("glob:" + glob), glob.contains("/"));
        } catch (IllegalArgumentException e) {
            throw ActionException.fatal("input.invalid", "with.pattern: '" + glob + "' is not a glob (" + e.getMessage()
                    + "); e.g. *.csv");
        }
    }

    /** {@code file} found under {@code dir}. */
    boolean accepts(FileInfo file, String dir) {
        if (file.name().startsWith(".") && file.name().endsWith(".tmp") && file.name().contains(".braid-")) {
            return false;
        }
        String relative = dir.isEmpty() ? file.path() : file.path().substring(dir.length() + 1);
        return matcher.matches(Path.of(onPath ? relative : file.name()));
    }
}
