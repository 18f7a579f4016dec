package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.experiment.ExperimentException;
import io.k1s0.fault.experiment.SampleSizePlanner;
import io.k1s0.fault.experiment.StagingGuard;
import io.k1s0.fault.experiment.TargetResolver;
import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.istio.FaultSweeper;
import io.k1s0.fault.istio.SweptFault;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsSource;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.metrics.ScrapeSource;
import io.k1s0.fault.metrics.Selector;
import io.k1s0.fault.report.ReportFiles;
import io.k1s0.fault.report.RunReport;
import io.k1s0.fault.traffic.ProbeTimeoutException;
import io.k1s0.fault.traffic.SecondSample;
import io.k1s0.fault.traffic.Traffic;
import io.k1s0.fault.traffic.Vantage;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One experiment run: sweep, resolve, guard, baseline → injection → recovery, cleanup, verdicts, reports.
 * Faults are removed in {@code finally} and by a SIGTERM hook ({@link FaultSession}); they carry an
 * {@code expires-at} so the next start's sweep removes what a killed run left.
 */
final class ExperimentRun {

    /** Exit codes of {@code run}, also printed by {@code --help}. */
    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int REFUSED = 3;
    static final int CLEANUP_FAILED = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRun.class);
    /** Kept on the faults beyond the planned end, so a slow but healthy run is never swept under itself. */
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);
    private static final Duration BREACH_CHECK = Duration.ofSeconds(2);
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WARM_UP_ROUND = Duration.ofSeconds(3);
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(60);
    private static final long WARM_P99_MILLIS = 250;

    private final RunSettings settings;
    private final Experiment experiment;
    private final PrintWriter out;
    private final PrintWriter err;
    private final SampleSizePlanner planner = new StatisticalSampleSizes();

    ExperimentRun(RunSettings settings, Experiment experiment, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.experiment = experiment;
        this.out = out;
        this.err = err;
    }

    PhaseDurations phases() {
        PhaseDurations planned = PhaseDurations.of(experiment.spec().phases());
        return settings.duration().map(planned::compressedTo).orElse(planned);
    }

    double rate() {
        return settings.rate().orElse(experiment.spec().traffic().rate());
    }

    /** Prints the plan (phases, rate, sample sizes); used by {@code --dry-run} and at the start of every run. */
    void printPlan() {
        PhaseDurations p = phases();
        out.printf("experiment %s: baseline %s, injection %s, recovery %s (total %s) at %.0f rps%n", experiment.name(),
                human(p.baseline()), human(p.injection()), human(p.recovery()), human(p.total()), rate());
        List<Experiment.Request> requests = experiment.spec().traffic().requests();
        String firstTarget = service(requests.get(0));
        for (Experiment.Expectation e : experiment.spec().expectations()) {
            long needed = planner.requiredRequests(experiment, e);
            String target = e.target() == null ? firstTarget : e.target();
            long share = requests.stream().filter(r -> service(r).equals(target)).count();
            long injectionRequests = Math.round(rate() * p.injection().toSeconds() * share / requests.size());
            out.printf("  expectation %s %s %s needs %d requests to %s; the injection phase sends about %d%s%n",
                    e.metric().yamlName(), e.op().yamlName(), e.value(), needed, target, injectionRequests,
                    needed > injectionRequests ? " (expect INCONCLUSIVE; raise --rate or --duration)" : "");
        }
        out.flush();
    }

    int execute(MeshTarget mesh, StagingGuard guard) {
        Instant start = Instant.now();
        printPlan();
        Experiment.Vantage vantage = experiment.spec().traffic().vantage();
        List<TargetResolver.ResolvedTarget> targets;
        try {
            targets = new TargetResolver(mesh.client()).resolve(experiment, settings.experimentFile().getFileName().toString());
        } catch (ExperimentException e) {
            err.println(e.getMessage());
            err.println("nothing was applied");
            err.flush();
            return BAD_INPUT;
        }
        if (!mesh.isLocal()) {
            StagingGuard.Decision decision = guard.check(experiment, mesh.kubeContext(), targets.size());
            out.println(decision.reason());
            out.flush();
            if (!decision.allowed()) {
                return REFUSED;
            }
        } else {
            out.println("local environment: the runner's own embedded mesh, no staging guard needed");
        }
        List<SweptFault> swept = new FaultSweeper(mesh.client(), Clock.systemUTC()).sweep(Optional.empty(), true);
        swept.forEach(s -> out.printf("swept %s/%s: run %s, %s, %d route(s)%n", s.namespace(), s.virtualService(),
                s.runId(), s.reason(), s.routesRemoved()));
        out.printf("run %s: %d target service(s), traffic from %s/%s%n", settings.runId(), targets.size(),
                vantage.namespace(), vantage.workload());
        out.flush();

        Optional<URI> proxy = mesh.vantage().proxy(vantage.workload(), vantage.namespace());
        Traffic traffic = Traffic.from(proxy.map(Vantage::viaProxy).orElseGet(Vantage::direct))
                .requestTimeout(Duration.ofSeconds(5));
        List<URI> metricsTargets = mesh.vantage().metrics(vantage.workload(), vantage.namespace());
        MetricsSource metrics = new ScrapeSource("envoy-stats", metricsTargets, SCRAPE_TIMEOUT);
        try (LiveFeed live = new LiveFeed(experiment.name(), targets, settings.metricsPort())) {
            live.address().ifPresent(a -> out.printf("live metrics: http://%s:%d/metrics%n", a.getHostString(), a.getPort()));
            return runPhases(mesh, start, targets, traffic, metrics, live);
        }
    }

    private int runPhases(MeshTarget mesh, Instant start, List<TargetResolver.ResolvedTarget> targets, Traffic traffic,
                          MetricsSource metrics, LiveFeed live) {
        Experiment.Vantage vantage = experiment.spec().traffic().vantage();
        RunReport.Builder report = RunReport.builder(settings.runId(), experiment.name(), mesh.kind());
        describeFaults(report, targets);
        PhaseDurations p = phases();
        long cap = Optional.ofNullable(experiment.spec().traffic().maxRequests()).orElse(PhaseDriver.NO_CAP);
        List<Experiment.Request> requests = experiment.spec().traffic().requests();
        String defaultTarget = service(requests.get(0));
        Progress progress = new Progress(out, p, start, live);

        warmUp(traffic, requests);
        PhaseOutcome baseline = drive("baseline", traffic, requests, p.baseline(), cap, metrics, progress, null);
        report.phase(baseline.phase(start)).mesh(baseline.meshNumbers());

        Feeds feeds = new Feeds(experiment.spec().reporting(), out, System.getenv());
        FaultInstaller installer = new FaultInstaller(mesh.client(), settings.runId(), owner(), Clock.systemUTC());
        Duration ttl = p.injection().plus(p.recovery()).plus(EXPIRY_MARGIN);
        PhaseOutcome injection;
        Instant faultsOn;
        Instant faultsOff;
        List<String> cleanupFailures;
        try (FaultSession session = new FaultSession(mesh.client(), installer, FaultSession.JobOwner.fromEnvironment(System.getenv()))) {
            faultsOn = Instant.now();
            feeds.faultsOn(settings.runId(), experiment.name(), faultsOn);
            live.faultActive(true);
            for (TargetResolver.ResolvedTarget t : targets) {
                FaultSpec spec = experiment.faultSpec(t.service(), t.namespace());
                session.install(spec, ttl);
            }
            out.printf("faults installed on %d service(s), expires-at %s%n", targets.size(),
                    session.installed().isEmpty() ? "-" : session.installed().get(0).expiresAt());
            out.flush();
            gate(traffic, requests.get(0));
            BreachMonitor monitor = new BreachMonitor(experiment.spec().safety(), vantage.workload());
            injection = drive("injection", traffic, requests, p.injection(), cap, metrics, progress, monitor);
            cleanupFailures = session.removeAll();
            faultsOff = Instant.now();
            feeds.faultsOff(faultsOff);
            live.faultActive(false);
            out.printf("faults removed (%s)%n", cleanupFailures.isEmpty() ? "all" : "FAILED: " + cleanupFailures);
            out.flush();
        }
        report.phase(injection.phase(start)).mesh(injection.meshNumbers()).faultWindow(faultsOn, faultsOff);
        for (TargetResolver.ResolvedTarget t : targets) {
            Selector edge = Selector.all().eq("source_workload", vantage.workload()).eq("destination_service_name", t.service());
            live.injected("abort", t.service(), Math.round(PromQl.INJECTED_ABORTS.evaluate(injection.snapshot(), edge)));
            live.injected("delay", t.service(), Math.round(PromQl.INJECTED_DELAYS.evaluate(injection.snapshot(), edge)));
        }
        injection.breach().ifPresent(b -> report.abortedOnBreach(new RunReport.Breach(b.at(), b.breach().metric(),
                b.breach().value(), b.breach().threshold(), b.breach().message())));

        PhaseOutcome recovery = drive("recovery", traffic, requests, p.recovery(), cap, metrics, progress, null);
        report.phase(recovery.phase(start)).mesh(recovery.meshNumbers());

        List<String> remaining = remainingFaults(mesh);
        report.cleanup(new RunReport.Cleanup(cleanupFailures.isEmpty() && remaining.isEmpty(), remaining,
                remaining.isEmpty() ? "no VirtualService carries run " + settings.runId() : "still marked: " + remaining));
        ExpectationJudge judge = new ExpectationJudge(experiment, vantage.workload(), defaultTarget, planner);
        judge.judge(injection.snapshot(), injection.numbers().latencyMicros()).forEach(report::expectation);
        report.window(start, Instant.now());
        RunReport built = report.build();
        ReportFiles.Written files = ReportFiles.write(built, settings.outputDir());
        printSummary(built, files);
        live.finish(built.abortedOnBreach() != null ? "aborted" : built.overall() == RunReport.Verdict.PASS ? "success" : "failure");
        feeds.finish(built, settings.outputDir());
        if (!remaining.isEmpty() || !cleanupFailures.isEmpty()) {
            return CLEANUP_FAILED;
        }
        return built.overall() == RunReport.Verdict.PASS ? PASSED : FAILED;
    }

    /**
     * Short rounds at a rising rate before the baseline, not reported, until one round at the full rate is healthy
     * (no errors, P99 under {@value #WARM_P99_MILLIS} ms) or {@link #WARM_UP_LIMIT} passes. A cold JVM answers the
     * first requests slowly; at full rate those timeouts would trip outlier detection before measuring starts.
     */
    private void warmUp(Traffic traffic, List<Experiment.Request> requests) {
        double[] steps = {0.1, 0.25, 0.5, 1.0};
        Instant deadline = Instant.now().plus(WARM_UP_LIMIT);
        long sent = 0;
        for (int round = 0; Instant.now().isBefore(deadline); round++) {
            double warmRate = rate() * steps[Math.min(round, steps.length - 1)];
            try (PhaseDriver driver = PhaseDriver.start(traffic, "warm-up", requests, warmRate, WARM_UP_ROUND, PhaseDriver.NO_CAP)) {
                PhaseDriver.Numbers n = driver.awaitResult(WARM_UP_ROUND.plusSeconds(30));
                sent += n.sent();
                boolean healthy = n.errors() == 0 && n.p99Millis() < WARM_P99_MILLIS;
                if (warmRate >= rate() && healthy) {
                    out.printf(Locale.ROOT, "warm-up: %d requests, healthy at %.0f rps (P99 %.1f ms); not reported%n",
                            sent, warmRate, n.p99Millis());
                    out.flush();
                    return;
                }
            }
        }
        out.printf(Locale.ROOT, "warm-up: %d requests in %s and not yet healthy at full rate; measuring anyway%n", sent,
                human(WARM_UP_LIMIT));
        out.flush();
    }

    private void gate(Traffic traffic, Experiment.Request request) {
        Experiment.Faults f = experiment.spec().faults();
        Instant t0 = Instant.now();
        try {
            if (f.abort() != null) {
                int status = f.abort().httpStatus();
                traffic.probe(PhaseDriver.spec(request)).atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(10))
                        .untilSeen("an injected HTTP " + status, r -> r.getStatusCode() == status);
            } else if (f.delay() != null) {
                long ms = f.delay().fixedDelay().toMillis();
                traffic.probe(PhaseDriver.spec(request)).atMost(Duration.ofSeconds(30)).every(Duration.ofMillis(10))
                        .untilSeen("a response delayed " + ms + " ms", r -> r.getTime() >= ms);
            }
            out.printf("readiness gate: fault live after %d ms%n", Duration.between(t0, Instant.now()).toMillis());
        } catch (ProbeTimeoutException e) {
            out.println("readiness gate: " + e.getMessage() + "; injecting anyway, the verdicts will show it");
        }
        out.flush();
    }

    /** One phase's traffic with a progress line every interval and, during injection, the breach watch. */
    private PhaseOutcome drive(String name, Traffic traffic, List<Experiment.Request> requests, Duration length,
                               long cap, MetricsSource metrics, Progress progress, BreachMonitor monitor) {
        Instant phaseStart = Instant.now();
        MetricsWindow window = metrics.open();
        AtomicReference<TimedBreach> breach = new AtomicReference<>();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fault-runner-progress");
            t.setDaemon(true);
            return t;
        });
        try (PhaseDriver driver = PhaseDriver.start(traffic, name, requests, rate(), length, cap)) {
            progress.phase(name, phaseStart, length);
            long every = settings.progressInterval().toMillis();
            ticks.scheduleAtFixedRate(() -> progress.print(driver.snapshot()), every, every, TimeUnit.MILLISECONDS);
            if (monitor != null) {
                ticks.scheduleWithFixedDelay(() -> {
                    if (breach.get() != null) {
                        return;
                    }
                    try {
                        monitor.check(window.close(), driver.snapshot().latencyMicros()).ifPresent(b -> {
                            breach.set(new TimedBreach(Instant.now(), b));
                            driver.stop();
                            out.println("ABORT ON BREACH: " + b.message() + "; stopping the injection now");
                            out.flush();
                        });
                    } catch (RuntimeException e) {
                        LOG.warn("breach check could not read the sidecar metrics: {}", e.getMessage());
                    }
                }, BREACH_CHECK.toMillis(), BREACH_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            }
            PhaseDriver.Numbers numbers = driver.awaitResult(length.plusSeconds(60));
            ticks.shutdownNow();
            progress.print(numbers);
            MeshSnapshot snapshot = window.close();
            return new PhaseOutcome(name, phaseStart, Instant.now(), numbers, snapshot, Optional.ofNullable(breach.get()),
                    Selector.all().eq("source_workload", experiment.spec().traffic().vantage().workload()));
        } finally {
            ticks.shutdownNow();
        }
    }

    private void describeFaults(RunReport.Builder report, List<TargetResolver.ResolvedTarget> targets) {
        List<String> names = targets.stream().map(t -> t.service() + "." + t.namespace()).toList();
        Experiment.Faults f = experiment.spec().faults();
        if (f.delay() != null) {
            report.fault(RunReport.Fault.delay(f.delay().percent().value(), f.delay().fixedDelay().toMillis(), names));
        }
        if (f.abort() != null) {
            report.fault(RunReport.Fault.abort(f.abort().percent().value(), f.abort().httpStatus(), names));
        }
    }

    private String owner() {
        return FaultSession.JobOwner.fromEnvironment(System.getenv()).map(FaultSession.JobOwner::annotation)
                .orElseGet(() -> "runner/" + ProcessHandle.current().pid());
    }

    private List<String> remainingFaults(MeshTarget mesh) {
        return mesh.client().resources(io.fabric8.istio.api.networking.v1.VirtualService.class).inAnyNamespace()
                .withLabel("fault.k1s0.io/run-id", settings.runId()).list().getItems().stream()
                .map(vs -> vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName()).toList();
    }

    private void printSummary(RunReport r, ReportFiles.Written files) {
        out.println();
        out.printf("result: %s (run %s, %s)%n", r.overall(), r.runId(), human(r.duration()));
        for (RunReport.Expectation e : r.expectations()) {
            out.printf("  %-12s %s%n", e.verdict(), e.name());
        }
        if (r.abortedOnBreach() != null) {
            out.println("  ABORTED     " + r.abortedOnBreach().message());
        }
        out.println("reports:");
        out.println("  " + files.json().toAbsolutePath());
        out.println("  " + files.junitXml().toAbsolutePath());
        out.println("  " + files.markdown().toAbsolutePath());
        out.println("  " + files.html().toAbsolutePath());
        out.flush();
    }

    /** The Service name of a request's host ({@code order-server.k1s0-service} → {@code order-server}). */
    static String service(Experiment.Request r) {
        return r.host().split("\\.")[0];
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    record TimedBreach(Instant at, BreachMonitor.Breach breach) { }

    /** What one phase produced. */
    record PhaseOutcome(String name, Instant start, Instant end, PhaseDriver.Numbers numbers, MeshSnapshot snapshot,
                        Optional<TimedBreach> breach, Selector caller) {

        RunReport.Phase phase(Instant runStart) {
            long injected = Math.round(PromQl.INJECTED_ABORTS.evaluate(snapshot, caller));
            long organic = Math.max(0, numbers.errors() - injected);
            long offset = Duration.between(runStart, start).toSeconds();
            List<RunReport.Second> series = new ArrayList<>();
            for (SecondSample s : numbers.seconds()) {
                series.add(new RunReport.Second(offset + s.second(), s.count(),
                        s.count() == 0 ? 0 : (double) s.errors() / s.count(), s.p99().toNanos() / 1e6));
            }
            return new RunReport.Phase(name, start, end, numbers.responses() + transport(numbers.errorsByCode()),
                    numbers.errorsByCode(), injected, organic, numbers.p50Millis(), numbers.p99Millis(), series);
        }

        RunReport.MeshNumbers meshNumbers() {
            return new RunReport.MeshNumbers(name, count(PromQl.RETRIES), count(PromQl.RETRY_SUCCESS),
                    count(PromQl.EJECTIONS), count(PromQl.EJECTIONS_ACTIVE), count(PromQl.PENDING_OVERFLOW));
        }

        private long count(PromQl entry) {
            return Math.round(entry.evaluate(snapshot, Selector.all()));
        }

        private static long transport(Map<String, Long> byCode) {
            return byCode.entrySet().stream().filter(e -> !e.getKey().matches("\\d+")).mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** The progress line: phase, elapsed/total, rps, error rate, P99 so far. */
    static final class Progress {
        private final PrintWriter out;
        private final PhaseDurations phases;
        private final Instant runStart;
        private volatile String phase = "";
        private volatile Instant phaseStart = Instant.now();
        private volatile Duration phaseLength = Duration.ZERO;

        private final LiveFeed live;

        Progress(PrintWriter out, PhaseDurations phases, Instant runStart, LiveFeed live) {
            this.out = out;
            this.live = live;
            this.phases = phases;
            this.runStart = runStart;
        }

        void phase(String name, Instant start, Duration length) {
            this.phase = name;
            this.phaseStart = start;
            this.phaseLength = length;
            live.phase(name);
        }

        void print(PhaseDriver.Numbers n) {
            live.progress(n);
            Duration elapsed = Duration.between(phaseStart, Instant.now());
            double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
            synchronized (out) {
                out.printf(Locale.ROOT, "[%-9s] %s/%s (run %s/%s) %6.1f rps  errors %5.2f %%  P99 %6.1f ms  (%d requests)%n",
                        phase, human(elapsed), human(phaseLength), human(Duration.between(runStart, Instant.now())),
                        human(phases.total()), n.sent() / seconds, n.errorRatio() * 100, n.p99Millis(), n.sent());
                out.flush();
            }
        }
    }
}
