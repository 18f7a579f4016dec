package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.traffic.PhaseResult;
import io.k1s0.fault.traffic.SecondSample;
import io.k1s0.fault.traffic.Traffic;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.traffic.TrafficRun;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.Method;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Open-model traffic for one phase: one constant-rate stream per request of the experiment, the rate split
 * evenly, all started together. Numbers are the sum of the streams.
 */
final class PhaseDriver implements AutoCloseable {

    /** The phase's client-side numbers so far. */
    record Numbers(long sent, long responses, long errors, Map<String, Long> errorsByCode, Histogram latencyMicros,
                   List<SecondSample> seconds) {
        double p99Millis() {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(99) / 1000.0;
        }

        double p50Millis() {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(50) / 1000.0;
        }

        double errorRatio() {
            long finished = responses + transportErrors();
            return finished == 0 ? 0 : (double) errors / finished;
        }

        private long transportErrors() {
            return errorsByCode.entrySet().stream().filter(e -> !e.getKey().matches("\\d+"))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** The traffic driver's largest request cap: effectively none. */
    static final long NO_CAP = 100_000_000L;

    private final List<TrafficRun> runs = new ArrayList<>();

    private PhaseDriver() {
    }

    static PhaseDriver start(Traffic traffic, String phase, List<Experiment.Request> requests, double rate,
                             Duration duration, long maxRequests) {
        PhaseDriver driver = new PhaseDriver();
        double each = rate / requests.size();
        long capEach = Math.max(1, Math.min(NO_CAP, maxRequests) / requests.size());
        for (Experiment.Request r : requests) {
            driver.runs.add(traffic.send(Method.valueOf(r.method()), spec(r))
                    .phase(phase).atRate(each).forDuration(duration)
                    .maxRequests(capEach).maxDuration(duration.plusSeconds(30))
                    .start());
        }
        return driver;
    }

    /** The request a stream sends: {@code http://<host><path>} with the experiment's headers. */
    static RequestSpecification spec(Experiment.Request r) {
        return new RequestSpecBuilder().setBaseUri("http://" + r.host()).setPort(80).setBasePath(r.path())
                .addHeaders(r.headers()).build();
    }

    void stop() {
        runs.forEach(TrafficRun::stop);
    }

    boolean isDone() {
        return runs.stream().allMatch(TrafficRun::isDone);
    }

    Numbers snapshot() {
        return numbers(runs.stream().map(TrafficRun::snapshot).toList());
    }

    /** Waits for every stream to end (bounded by each plan's duration cap). */
    Numbers awaitResult(Duration timeout) {
        return numbers(runs.stream().map(r -> r.awaitResult(timeout)).toList());
    }

    private static Numbers numbers(List<TrafficResult> results) {
        long sent = 0;
        long responses = 0;
        long errors = 0;
        Map<String, Long> byCode = new TreeMap<>();
        Histogram latency = new Histogram(1, 60_000_000L, 3);
        List<SecondSample> seconds = new ArrayList<>();
        for (TrafficResult result : results) {
            PhaseResult p = result.total();
            sent += p.sent();
            responses += p.responses();
            p.responsesByStatus().forEach((status, count) -> {
                if (status >= 500) {
                    byCode.merge(String.valueOf(status), count, Long::sum);
                }
            });
            p.transportErrorsByKind().forEach((kind, count) ->
                    byCode.merge(kind.name().toLowerCase(java.util.Locale.ROOT), count, Long::sum));
            latency.add(p.latency());
            seconds.addAll(result.timeSeries());
        }
        for (long count : byCode.values()) {
            errors += count;
        }
        return new Numbers(sent, responses, errors, byCode, latency, seconds);
    }

    @Override
    public void close() {
        runs.forEach(TrafficRun::close);
    }
}
