package io.k1s0.fault.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@code ./fault-runner} that this launch got as far as a mesh to run against. The launcher records its
 * class-data archive at the JVM's exit and keeps it only when this mark exists: a launch that stopped at bad input
 * loaded too few classes to be worth mapping in every later run.
 */
final class ClassDataArchiveMark {
    /** Set by the launcher on the launch that records; names the file to create. */
    static final String ENV = "FAULT_RUNNER_CDS_MARK";
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchiveMark.class);

    private ClassDataArchiveMark() {}

    static void meshUp() {
        meshUp(System.getenv(ENV));
    }

    static void meshUp(String markFile) {
        if (markFile == null || markFile.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(markFile), "a mesh was up; the class-data archive recorded at exit is complete\n");
        } catch (IOException e) {
            // Only start-up speed is at stake: the launcher records again next time.
            LOG.debug("could not write the class-data archive mark {}", markFile, e);
        }
    }
}
