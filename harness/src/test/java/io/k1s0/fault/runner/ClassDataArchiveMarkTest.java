package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveMarkTest {
    @TempDir
    Path dir;

    @Test
    void theMarkIsTheFileTheLauncherNamed() {
        Path mark = dir.resolve("fault-runner-jdk-17.jsa.complete");
        ClassDataArchiveMark.meshUp(mark.toString());
        assertThat(mark).as("mark written once a mesh is up").exists();
    }

    @Test
    void withoutALauncherAskingNothingIsWritten() throws Exception {
        ClassDataArchiveMark.meshUp(null);
        ClassDataArchiveMark.meshUp(" ");
        try (var files = Files.list(dir)) {
            assertThat(files).as("files in %s", dir).isEmpty();
        }
    }

    @Test
    void aMarkThatCannotBeWrittenDoesNotStopTheRun() {
        Path inMissingDir = dir.resolve("no-such-dir").resolve("x.complete");
        assertThatCode(() -> ClassDataArchiveMark.meshUp(inMissingDir.toString()))
                .as("writing a mark into a directory that does not exist").doesNotThrowAnyException();
        assertThat(inMissingDir).as("mark in a missing directory").doesNotExist();
    }
}
