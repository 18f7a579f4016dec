package io.k1s0.fault.traffic;

import java.time.Duration;

/** Transport settings of the load engine. */
record EngineOptions(Duration connectTimeout, Duration requestTimeout, int maxConnections, int eventLoops) {

    static final EngineOptions DEFAULTS = new EngineOptions(Duration.ofSeconds(2), Duration.ofSeconds(10), 200, 1);
}
