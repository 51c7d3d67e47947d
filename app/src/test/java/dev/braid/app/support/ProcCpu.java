package dev.braid.app.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a Linux process from {@code /proc/<pid>/stat}, for benchmarks that split a run's cost by process. */
public final class ProcCpu {

    /** USER_HZ: the unit of the times in {@code /proc/<pid>/stat} (100 on every Linux this runs on). */
    public static final int TICKS_PER_SECOND = 100;

    private ProcCpu() {}

    /** utime + stime of the process (plus its reaped children's when {@code withChildren}); 0 once it is gone. */
    public static long ticks(long pid, boolean withChildren) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return 0; // the process ended meanwhile
        }
        // The command name in parentheses may contain spaces: fields are counted after its closing parenthesis.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);   // utime, stime (fields 14, 15)
        if (withChildren) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);   // cutime, cstime (fields 16, 17)
        }
        return ticks;
    }

    /** The same in seconds. */
    public static double seconds(long pid) {
        return ticks(pid, true) / (double) TICKS_PER_SECOND;
    }
}
