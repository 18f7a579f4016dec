package io.k1s0.fault.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes when each test class started and ended, in seconds from the start of the run, to
 * {@code target/class-timeline.txt}: what README "Speed" reads to see which classes overlapped and where the suite's
 * time went. Registered for the module through {@code META-INF/services}.
 */
public final class ClassTimeline implements TestExecutionListener {

    static final Path FILE = Path.of("target", "class-timeline.txt");

    private long startNanos = System.nanoTime();

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        startNanos = System.nanoTime();
        write("", StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (isClass(id)) {
            line("START " + id.getLegacyReportingName());
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (isClass(id)) {
            line("END   " + id.getLegacyReportingName() + " " + result.getStatus());
        }
    }

    private static boolean isClass(TestIdentifier id) {
        return id.getSource().filter(ClassSource.class::isInstance).isPresent();
    }

    private synchronized void line(String event) {
        write(String.format(Locale.ROOT, "%7.2f %s%n", (System.nanoTime() - startNanos) / 1e9, event), StandardOpenOption.APPEND);
    }

    private static void write(String text, StandardOpenOption mode) {
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            Files.writeString(FILE, text, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the class timeline " + FILE, e);
        }
    }
}
