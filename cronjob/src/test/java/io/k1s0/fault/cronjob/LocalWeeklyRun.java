package io.k1s0.fault.cronjob;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.istio.InstalledFault;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.WorkloadSpec;
import io.k1s0.fault.report.LiveMetrics;
import io.k1s0.fault.report.RunReport;
import io.k1s0.fault.traffic.PhaseResult;
import io.k1s0.fault.traffic.Traffic;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.traffic.TrafficRun;
import io.k1s0.fault.traffic.Vantage;
import io.restassured.builder.RequestSpecBuilder;
import static org.awaitility.Awaitility.await;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import org.HdrHistogram.Histogram;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;

/**
 * A compressed weekly run on the local mesh, driven directly (not through {@code fault-runner run}): the k1s0
 * topology order-bff -> order-server (stable x2, canary x1), the design's order-server VirtualService (retries) and
 * DestinationRule (outlier detection) from {@code manifests/}, then baseline -> injection (10 % x 500 ms delay and
 * 5 % x 503 abort installed by {@link FaultInstaller}) -> recovery at a constant rate (after warm-up bursts) from order-bff's sidecar.
 * The runner's live numbers go to {@link LiveMetrics}; the summary becomes a {@link RunReport} for the Pushgateway.
 *
 * <p>Organic failures are deliberate so that the retry and ejection panels have series in a run this short: the
 * stable replicas answer 503 to 2 % of requests (retried on the other stable replica, so retries happen every second
 * and mostly succeed), and the canary to 60 % (five in a row get it ejected within seconds; with its only host
 * ejected the canary subset answers 503 UH, the organic error share the dashboard then shows).
 */
final class LocalWeeklyRun {

    static final String NAMESPACE = "k1s0-service";
    static final String SERVICE = "order-server";
    static final String EXPERIMENT = "weekly-fault-injection-local";
    static final double DELAY_PERCENT = 10;
    static final Duration DELAY = Duration.ofMillis(500);
    static final double ABORT_PERCENT = 5;
    static final int ABORT_STATUS = 503;
    static final double CONFIDENCE = 0.99;

    /** Phase lengths and rate: long enough for a conclusive 5 % check, short enough for a unit-test suite. */
    /**
     * Before the run, short bursts at the run's rate until one is answered promptly: a cold JVM (and a mesh still
     * settling its first config) answers in seconds, which would make the baseline measure the test machine.
     */
    static final Duration WARMUP_BURST = Duration.ofSeconds(2);
    static final Duration WARM_P99 = Duration.ofMillis(250);
    static final Duration WARMUP_DEADLINE = Duration.ofSeconds(45);
    static final Duration BASELINE = Duration.ofSeconds(4);
    static final Duration INJECTION = Duration.ofSeconds(11);
    static final Duration RECOVERY = Duration.ofSeconds(2);
    static final double RATE = 60;
    /** The live client P99 covers the last few seconds, like the runner's progress window. */
    static final int CLIENT_P99_WINDOW_SECONDS = 3;

    /** What happened when, and what the runner would have reported. */
    record Record(String runId, Instant warmupStart, Instant start, Instant faultStart, Instant removeStart, Instant faultEnd, Instant end,
            TrafficResult traffic, RunReport report) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalWeeklyRun.class);

    private LocalWeeklyRun() {
    }

    static List<WorkloadSpec> topology() {
        return List.of(
                WorkloadSpec.of("order-bff", NAMESPACE).withDefaultEcho("delay=3ms:60,15ms:35,80ms:5"),
                new WorkloadSpec(SERVICE, NAMESPACE, Map.of("app", SERVICE, "version", "stable"), SERVICE, 80, 2,
                        "delay=2ms:70,10ms:25,60ms:5&status=503:2"),
                new WorkloadSpec("order-server-canary", NAMESPACE, Map.of("app", SERVICE, "version", "canary"), SERVICE, 80,
                        1, "delay=2ms:70,12ms:25,70ms:5&status=503:60"));
    }

    /** The design's order-server routing (retries) and circuit breaker (outlier detection), applied as in a cluster. */
    static void applyDesignManifests(KubernetesClient client, Path manifests) {
        // DestinationRule first: a VirtualService naming subsets no DestinationRule defines is rejected.
        for (Path file : List.of(manifests.resolve("circuit-breakers/order-server-destinationrule.yaml"),
                manifests.resolve("routing/order-server-virtualservice.yaml"))) {
            try (InputStream in = Files.newInputStream(file)) {
                for (HasMetadata item : client.load(in).items()) {
                    client.resource(item).createOr(NonDeletingOperation::update);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }

    /**
     * Runs the three phases; {@code injected} answers how many requests the mesh flagged DI / FI so far (the runner
     * reads that from Prometheus, as here).
     */
    static Record run(LocalMesh mesh, String runId, LiveMetrics live, InjectedCounts injected) {
        FaultInstaller installer = new FaultInstaller(mesh.client(), runId, "test/" + EXPERIMENT, Clock.systemUTC());
        FaultSpec fault = FaultSpec.builder().target(SERVICE, NAMESPACE).delay(DELAY_PERCENT, DELAY)
                .abort(ABORT_PERCENT, ABORT_STATUS).build();
        Instant[] marks = new Instant[4];
        InstalledFault[] installed = new InstalledFault[1];
        long[] injectedAtStart = new long[2];
        var orders = new RequestSpecBuilder().setBaseUri("http://" + SERVICE + "." + NAMESPACE).setPort(80)
                .setBasePath("/orders").build();
        Instant warmupStart = Instant.now();
        warmUp(mesh, orders);
        LOG.info("warm-up took {} ms", Duration.between(warmupStart, Instant.now()).toMillis());
        TrafficRun[] running = new TrafficRun[1];
        ScheduledExecutorService p99Updates = Executors.newSingleThreadScheduledExecutor();
        try {
            // generous connect timeout: on a loaded 2-core CI machine the in-JVM proxy can stall for a second or two
            running[0] = Traffic.from(Vantage.viaProxy(mesh.proxyFor("order-bff", NAMESPACE)))
                    .connectTimeout(Duration.ofSeconds(10)).send(orders)
                    .phase("baseline").atRate(RATE).forDuration(BASELINE)
                    .phase("injection").forDuration(INJECTION)
                    .phase("recovery").forDuration(RECOVERY)
                    .maxRequests(10_000)
                    .onPhaseStart(phase -> {
                        live.phase(phase);
                        if (phase.equals("baseline")) {
                            marks[3] = Instant.now();
                        } else if (phase.equals("injection")) {
                            injectedAtStart[0] = injected.delayed();
                            injectedAtStart[1] = injected.aborted();
                            installed[0] = installer.install(fault, Duration.ofMinutes(5));
                            marks[0] = Instant.now();
                            live.faultActive(true);
                        } else if (phase.equals("recovery")) {
                            marks[1] = Instant.now();
                            installer.remove(installed[0]);
                            marks[2] = Instant.now();
                            live.faultActive(false);
                            live.faultInjected("delay", SERVICE, injected.delayed() - injectedAtStart[0]);
                            live.faultInjected("abort", SERVICE, injected.aborted() - injectedAtStart[1]);
                        }
                    })
                    .start();
            ClientP99 clientP99 = new ClientP99(live);
            p99Updates.scheduleAtFixedRate(() -> currentPhase(running[0].snapshot()).ifPresent(clientP99::update),
                    1, 1, TimeUnit.SECONDS);
            TrafficResult result = running[0].awaitResult(
                    BASELINE.plus(INJECTION).plus(RECOVERY).plus(Duration.ofSeconds(20)));
            Instant start = marks[3];
            Instant end = Instant.now();
            boolean cleanedUp = mesh.client().resources(VirtualService.class).inNamespace(NAMESPACE).list().getItems().stream()
                    .flatMap(vs -> vs.getSpec().getHttp().stream())
                    .noneMatch(route -> route.getName() != null && route.getName().startsWith("fh-" + runId + "-"));
            RunReport report = report(runId, start, end, marks, result, injected, cleanedUp);
            live.sloImpact("order-availability-99.9", SERVICE, sloImpact(report));
            live.finish(report.overall() == RunReport.Verdict.PASS ? "success" : "failure");
            return new Record(runId, warmupStart, start, marks[0], marks[1], marks[2], end, result, report);
        } finally {
            p99Updates.shutdownNow();
            if (installed[0] != null) {
                installer.remove(installed[0]);
            }
        }
    }

    private static void warmUp(LocalMesh mesh, RequestSpecification orders) {
        Traffic burst = Traffic.from(Vantage.viaProxy(mesh.proxyFor("order-bff", NAMESPACE))).requestTimeout(WARMUP_BURST);
        await("a " + WARMUP_BURST.toSeconds() + " s burst order-bff -> order-server answered with P99 under "
                + WARM_P99.toMillis() + " ms and no transport error")
                .atMost(WARMUP_DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    TrafficResult result = burst.send(orders).atRate(RATE).forDuration(WARMUP_BURST).run();
                    LOG.info("warm-up burst: {}", result.summary());
                    PhaseResult total = result.total();
                    return total.transportErrors() == 0
                            && total.latency().getValueAtPercentile(99) < WARM_P99.toNanos() / 1_000;
                });
    }

    /** The live client P99 gauge: the current phase's latency of the last few seconds (histogram difference). */
    private static final class ClientP99 {
        private record Snapshot(String phase, Histogram latency) {
        }

        private final LiveMetrics live;
        private final java.util.ArrayDeque<Snapshot> history = new java.util.ArrayDeque<>();

        ClientP99(LiveMetrics live) {
            this.live = live;
        }

        void update(PhaseResult phase) {
            Histogram now = phase.latency();
            Histogram window = now.copy();
            Snapshot old = history.size() >= CLIENT_P99_WINDOW_SECONDS ? history.pollFirst() : null;
            if (old != null && old.phase().equals(phase.name())) {
                window.subtract(old.latency());
            }
            history.addLast(new Snapshot(phase.name(), now));
            if (window.getTotalCount() > 0) {
                live.clientP99(window.getValueAtPercentile(99) / 1000.0);
            }
        }
    }

    /** How many requests the mesh flagged as injected so far (Envoy response flags DI and FI), at the source. */
    interface InjectedCounts {
        long delayed();

        long aborted();
    }

    private static java.util.Optional<PhaseResult> currentPhase(TrafficResult snapshot) {
        return snapshot.phases().stream().filter(p -> p.sent() > 0).reduce((first, second) -> second);
    }

    private static RunReport report(String runId, Instant start, Instant end, Instant[] marks, TrafficResult result,
            InjectedCounts injected, boolean cleanedUp) {
        PhaseResult injection = result.phase("injection");
        long aborted = injected.aborted();
        RunReport.Builder b = RunReport.builder(runId, EXPERIMENT, "local")
                .window(start, end).faultWindow(marks[0], marks[2])
                .fault(RunReport.Fault.delay(DELAY_PERCENT, DELAY.toMillis(), List.of(SERVICE)))
                .fault(RunReport.Fault.abort(ABORT_PERCENT, ABORT_STATUS, List.of(SERVICE)))
                .cleanup(new RunReport.Cleanup(cleanedUp, List.of(), cleanedUp ? "no fh-" + runId + "- route left"
                        : "fh-" + runId + "- routes remain"))
                .links(null, "http://127.0.0.1/reports/" + runId + "/report.html");
        for (PhaseResult p : result.phases()) {
            long errors = p.responsesByStatus().entrySet().stream().filter(e -> e.getKey() >= 500)
                    .mapToLong(Map.Entry::getValue).sum() + p.transportErrors();
            long injectedErrors = p == injection ? Math.min(errors, aborted) : 0;
            Map<String, Long> byCode = new TreeMap<>();
            p.responsesByStatus().forEach((code, n) -> {
                if (code >= 500) {
                    byCode.put(Integer.toString(code), n);
                }
            });
            b.phase(new RunReport.Phase(p.name(), p.start(), p.end(), p.responses() + p.transportErrors(), byCode,
                    injectedErrors, errors - injectedErrors, p.latency().getValueAtPercentile(50) / 1000.0,
                    p.latency().getValueAtPercentile(99) / 1000.0, List.of()));
        }
        long n = injection.responses() + injection.transportErrors();
        ConfidenceInterval ci = BinomialProportion.getClopperPearsonInterval((int) n, (double) Math.min(aborted, n) / n, CONFIDENCE);
        boolean consistent = ci.getLowerBound() <= ABORT_PERCENT / 100 && ABORT_PERCENT / 100 <= ci.getUpperBound();
        b.expectation(new RunReport.Expectation("abortFraction order-server consistentWith 5%",
                consistent ? RunReport.Verdict.PASS : RunReport.Verdict.FAIL, "ratio", ABORT_PERCENT / 100,
                (double) aborted / n, ci.getLowerBound(), ci.getUpperBound(), n, 0, "FI-flagged / requests in injection"));
        double p99 = injection.latency().getValueAtPercentile(99) / 1000.0;
        b.expectation(new RunReport.Expectation("p99 below 1000ms", p99 < 1000 ? RunReport.Verdict.PASS
                : RunReport.Verdict.FAIL, "ms", 1000.0, p99, null, null, injection.responses(), 0, "client-side P99"));
        return b.build();
    }

    /** Errors in the injection phase over the budget a 99.9 % availability SLO allows for its requests. */
    static double sloImpact(RunReport report) {
        RunReport.Phase injection = report.phase("injection").orElseThrow();
        return injection.requests() == 0 ? 0 : injection.errors() / (0.001 * injection.requests());
    }
}
