package io.k1s0.fault.runner;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The options of one {@code run}, checked by {@link RunCommand}. */
record RunSettings(Path experimentFile, String runId, Optional<Duration> duration, Optional<Double> rate, Path outputDir,
                   List<String> allowedContexts, Optional<URI> vantageProxy, List<URI> metricsEndpoints,
                   Duration progressInterval, Path manifestsDir, Optional<Integer> metricsPort) {
}
