package io.k1s0.fault.report;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Finds the Debian Prometheus binaries; absent means skip, unless FAULT_HARNESS_REQUIRE_PROMETHEUS=true. */
final class RealPrometheus {

    private RealPrometheus() {
    }

    static Path binary(String name) {
        Path found = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null && "true".equals(System.getenv("FAULT_HARNESS_REQUIRE_PROMETHEUS"))) {
            throw new AssertionError(name + " is not on PATH but FAULT_HARNESS_REQUIRE_PROMETHEUS=true; "
                    + "install the Debian packages prometheus and prometheus-pushgateway");
        }
        return found;
    }

    static Path require(String name) {
        Path p = binary(name);
        assumeThat(p).as(name + " is not installed (Debian: apt-get install prometheus prometheus-pushgateway); skipping")
                .isNotNull();
        return p;
    }
}
