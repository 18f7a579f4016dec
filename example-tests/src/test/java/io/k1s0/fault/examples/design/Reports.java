package io.k1s0.fault.examples.design;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a test's verdict table to {@code target/design-reports/<name>.md} and logs it. */
final class Reports {
    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);

    private Reports() {}

    static Path write(String name, List<String> lines) {
        String text = String.join("\n", lines) + "\n";
        LOG.info("{}:\n{}", name, text);
        try {
            Path dir = Files.createDirectories(Path.of("target", "design-reports"));
            return Files.writeString(dir.resolve(name + ".md"), text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report " + name, e);
        }
    }
}
