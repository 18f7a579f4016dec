package io.k1s0.fault.localmesh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options {@code ./fault-runner} adds (its {@code gc=(...)} line), read from the launcher itself, so that
 * the benchmarks measure the JVM a user gets: their fresh JVMs get these, and their own JVM must run with them.
 */
final class LauncherJvmOptions {
    private static final Path LAUNCHER = Path.of(System.getProperty("fault.runner.launcher", "fault-runner"));
    private static final Pattern GC_LINE = Pattern.compile("^gc=\\((.*)\\)$", Pattern.MULTILINE);

    private LauncherJvmOptions() {}

    static List<String> read() {
        try {
            Matcher m = GC_LINE.matcher(Files.readString(LAUNCHER));
            if (!m.find()) {
                throw new IllegalStateException(LAUNCHER.toAbsolutePath() + " has no gc=(...) line; the benchmark cannot tell its JVM options");
            }
            return Arrays.stream(m.group(1).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the launcher " + LAUNCHER.toAbsolutePath()
                    + " (run the benchmark from the repository root, or set -Dfault.runner.launcher=PATH)", e);
        }
    }

    /** Stops a benchmark whose own JVM was started without the launcher's options: its numbers would not be the user's. */
    static void requireInThisJvm() {
        List<String> missing = read().stream().filter(o -> !ManagementFactory.getRuntimeMXBean().getInputArguments().contains(o)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("start this benchmark's JVM with the launcher's options " + missing
                    + " (java " + String.join(" ", missing) + " -cp ...), as ./fault-runner starts the runner");
        }
    }
}
