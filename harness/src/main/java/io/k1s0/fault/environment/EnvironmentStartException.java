package io.k1s0.fault.environment;

import java.nio.file.Path;
import java.util.Optional;

/** The mesh did not come up in time; the message says what was not ready and where the full dump is. */
final class EnvironmentStartException extends IllegalStateException {

    private static final long serialVersionUID = 1L;
    private final transient Path diagnosticsFile;

    EnvironmentStartException(String message, Path diagnosticsFile, Throwable cause) {
        super(message, cause);
        this.diagnosticsFile = diagnosticsFile;
    }

    Optional<Path> diagnosticsFile() {
        return Optional.ofNullable(diagnosticsFile);
    }
}
