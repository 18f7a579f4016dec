package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.metrics.Selector;
import java.time.Duration;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.hipparchus.distribution.continuous.BetaDistribution;

/**
 * The design's rollback thresholds during injection: organic (non-FI) 5xx rate above the safety limit, or P99
 * above it. A breach is declared only when the one-sided lower Clopper-Pearson bound at {@value #CONFIDENCE} is
 * above the limit, so a few early errors cannot stop a healthy run and a real breach stops it within seconds.
 * P99 above T is tested as "more than 1 % of requests slower than T".
 */
final class BreachMonitor {

    static final double CONFIDENCE = 0.95;
    private static final double TAIL = 0.01;

    /** A breach: which limit, the observed value and the limit (ratio or milliseconds). */
    record Breach(String metric, double value, double threshold, String message) { }

    private final double organicLimit;
    private final Duration p99Limit;
    private final Selector caller;

    BreachMonitor(Experiment.Safety safety, String callerWorkload) {
        this.organicLimit = safety.abortOnOrganicErrorRate().fraction();
        this.p99Limit = safety.abortOnP99();
        this.caller = Selector.all().eq("source_workload", callerWorkload);
    }

    /**
     * @param window the caller's sidecar metrics since injection started
     * @param clientLatencyMicros the client-side latency since injection started
     */
    Optional<Breach> check(MeshSnapshot window, Histogram clientLatencyMicros) {
        long n = Math.round(PromQl.REQUESTS_NOT_INJECTED.evaluate(window, caller));
        long k = Math.round(PromQl.ORGANIC_ERRORS_5XX.evaluate(window, caller));
        if (n > 0 && lowerBound(k, n) > organicLimit) {
            double rate = (double) k / n;
            return Optional.of(new Breach("organicErrorRate", rate, organicLimit, String.format(java.util.Locale.ROOT,
                    "organic error rate %.2f %% (%d of %d non-injected requests) is above the %.2f %% limit "
                            + "(one-sided %d %% lower bound %.2f %%)", rate * 100, k, n, organicLimit * 100,
                    Math.round(CONFIDENCE * 100), lowerBound(k, n) * 100)));
        }
        long total = clientLatencyMicros.getTotalCount();
        long limitMicros = p99Limit.toNanos() / 1000;
        long slow = total - clientLatencyMicros.getCountBetweenValues(0, limitMicros);
        if (total > 0 && lowerBound(slow, total) > TAIL) {
            double p99 = clientLatencyMicros.getValueAtPercentile(99) / 1000.0;
            return Optional.of(new Breach("p99", p99, p99Limit.toMillis(), String.format(java.util.Locale.ROOT,
                    "P99 %.0f ms is above the %d ms limit (%d of %d requests slower)", p99, p99Limit.toMillis(),
                    slow, total)));
        }
        return Optional.empty();
    }

    /** One-sided lower Clopper-Pearson bound of k successes in n trials. */
    static double lowerBound(long k, long n) {
        if (k == 0) {
            return 0;
        }
        return new BetaDistribution(k, n - k + 1).inverseCumulativeProbability(1 - CONFIDENCE);
    }
}
