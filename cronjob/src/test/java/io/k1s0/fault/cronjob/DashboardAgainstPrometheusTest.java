package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k1s0.fault.cronjob.DashboardQueries.PanelQuery;
import io.k1s0.fault.cronjob.PrometheusHttpApi.Point;
import io.k1s0.fault.cronjob.PrometheusHttpApi.Series;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.report.DeliveryResult;
import io.k1s0.fault.report.HttpSettings;
import io.k1s0.fault.report.LiveMetrics;
import io.k1s0.fault.report.MetricsServer;
import io.k1s0.fault.report.PushgatewayClient;
import io.k1s0.fault.report.RunReport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, "Show it": every query of the dashboard, Grafana macros substituted, runs against a real Prometheus that
 * scraped a compressed weekly run on the local mesh (sidecars via file_sd, the runner's live /metrics) and the
 * Pushgateway that received the run's summary, and returns plausible data.
 *
 * <p>Every panel target and the Prometheus annotation query are run; the other annotation ("Fault window (runner
 * annotation)") reads Grafana's own annotation store, not Prometheus, and is outside this test.
 *
 * <p>Path used to produce the run: DIRECT. {@link LocalWeeklyRun} drives the local mesh with the harness's
 * FaultInstaller and Traffic, serves report.LiveMetrics through report.MetricsServer and pushes the summary with
 * report.PushgatewayClient. {@code fault-runner run} is not used because, on main, it neither serves the live
 * metrics nor pushes to a Pushgateway yet.
 */
@DisplayName("Dashboard queries against a real Prometheus that scraped a local-mesh weekly run")
class DashboardAgainstPrometheusTest {

    /** Grafana's $__rate_interval for a 1 s scrape interval and 1 s step: max(1s + 1s, 4 x 1s). */
    private static final String RATE_INTERVAL = "4s";
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final Duration TWO_SCRAPES = LocalMonitoring.SCRAPE_INTERVAL.multipliedBy(2);
    /** Two-sided confidence of the plausibility intervals on the error ratio. */
    private static final double CONFIDENCE = 0.999;
    private static final Set<String> FAULT_METRICS = Set.of("delay", "abort");
    /** A request sent this late means the JVM stalled; more than 1 % of them can move a P99 on their own. */
    private static final Duration GENERATOR_STALL = Duration.ofMillis(100);
    private static final double STALLED_SHARE = 0.01;

    /**
     * Queries whose series cannot exist in a local run, with the reason. Empty: every query of the dashboard has data
     * here. A query added to the dashboard without a check below fails {@link #everyQueryHasAPlausibilityCheck}.
     */
    private static final Map<String, String> NO_DATA_LOCALLY = Map.of();

    /** The source reporter's label set for order-server, as the dashboard's variables select it; selectors below. */
    private static final String SOURCE_TO_ORDER_SERVER = "reporter=\"source\", destination_service_namespace=\""
            + LocalWeeklyRun.NAMESPACE + "\", destination_service_name=\"" + LocalWeeklyRun.SERVICE + "\"";
    private static final String REQUESTS = "istio_requests_total{" + SOURCE_TO_ORDER_SERVER + "}";
    private static final String ERRORS = "istio_requests_total{" + SOURCE_TO_ORDER_SERVER + ", response_code=~\"0|5..\"}";
    private static final String ERRORS_NOT_FI = "istio_requests_total{" + SOURCE_TO_ORDER_SERVER
            + ", response_code=~\"0|5..\", response_flags!~\".*FI.*\"}";
    private static final String DURATION_BUCKETS = "istio_request_duration_milliseconds_bucket{" + SOURCE_TO_ORDER_SERVER + "}";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DashboardAgainstPrometheusTest.class);

    @TempDir
    static Path tmp;

    private static LiveMetrics live;
    private static MetricsServer metricsServer;
    private static LocalMesh mesh;
    private static LocalMonitoring monitoring;
    private static PrometheusHttpApi prometheus;
    private static LocalWeeklyRun.Record run;
    private static DeliveryResult push;
    private static Instant scrapedUntil;
    private static List<PanelQuery> queries;
    private static final Map<String, List<Series>> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void runTheWeeklyRunAndScrapeIt() throws Exception {
        LocalMonitoring.requireBinariesOrSkip();
        long t0 = System.nanoTime();
        String runId = "r" + Long.toString(Instant.now().getEpochSecond(), 36) + "-dash";
        live = new LiveMetrics(LocalWeeklyRun.EXPERIMENT,
                List.of(new LiveMetrics.Target(LocalWeeklyRun.NAMESPACE, LocalWeeklyRun.SERVICE, "service")));
        metricsServer = MetricsServer.start(live, new InetSocketAddress("127.0.0.1", 0));
        // Prometheus starts meanwhile: file_sd watches the file's directory and picks the targets up once written.
        Path fileSd = tmp.resolve("file-sd.json");
        var monitoringStarting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return LocalMonitoring.start(fileSd, "127.0.0.1:" + metricsServer.address().getPort());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            mesh = LocalMesh.builder().workloads(LocalWeeklyRun.topology()).fileSdPath(fileSd).start();
        } finally {
            monitoring = monitoringStarting.join();
        }
        LocalWeeklyRun.applyDesignManifests(mesh.client(), ProjectFiles.designManifestsDir());
        LOG.info("local mesh and monitoring started in {} ms", (System.nanoTime() - t0) / 1_000_000);
        prometheus = new PrometheusHttpApi(monitoring.prometheus());
        awaitTargetsUp();
        long t1 = System.nanoTime();

        run = LocalWeeklyRun.run(mesh, runId, live, new LocalWeeklyRun.InjectedCounts() {
            @Override
            public long delayed() {
                return injectedSoFar("DI");
            }

            @Override
            public long aborted() {
                return injectedSoFar("FI");
            }
        });
        push = new PushgatewayClient(monitoring.pushgateway(), Map.of(), HttpSettings.defaults()).push(run.report());
        Instant pushed = Instant.now();
        // The contract: keep serving /metrics for two scrape intervals after the last increment.
        await("Prometheus scraped the sidecars and the runner twice after the run, and the Pushgateway after the push")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> lastScrape(LocalMonitoring.MESH_JOB, Math::min) > seconds(run.end().plus(TWO_SCRAPES))
                        && lastScrape(LocalMonitoring.RUNNER_JOB, Math::min) > seconds(run.end().plus(TWO_SCRAPES))
                        && lastScrape(LocalMonitoring.PUSHGATEWAY_JOB, Math::min) > seconds(pushed.plus(TWO_SCRAPES)));
        scrapedUntil = Instant.now();
        long t2 = System.nanoTime();

        JsonNode dashboard = Json.readJson(ProjectFiles.dashboardJson());
        long rangeSeconds = Duration.between(rangeStart(), scrapedUntil).toSeconds() + 1;
        queries = DashboardQueries.substituted(dashboard,
                Map.of("namespace", LocalWeeklyRun.NAMESPACE, "service", LocalWeeklyRun.SERVICE, "run", runId,
                        "report_url", reportUrl()),
                Map.of("__rate_interval", RATE_INTERVAL, "__interval", STEP.toSeconds() + "s",
                        "__range", rangeSeconds + "s", "__range_s", Long.toString(rangeSeconds),
                        "__interval_ms", Long.toString(STEP.toMillis())));
        for (PanelQuery q : queries) {
            RESULTS.put(key(q), prometheus.range(q.expr(), rangeStart(), scrapedUntil, STEP));
        }
        writeObservations(Path.of("target", "dashboard-against-prometheus.txt"));
        LOG.info("mesh, Prometheus and Pushgateway up in {} ms; run, push and scrape {} ms; {} queries {} ms",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, queries.size(), (System.nanoTime() - t2) / 1_000_000);
    }

    @AfterAll
    static void stopEverything() {
        if (monitoring != null) {
            monitoring.close();
        }
        if (mesh != null) {
            mesh.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
    }

    @Test
    void theSummaryReachedThePushgateway() {
        assertThat(push.ok()).as("Pushgateway PUT: %s", push).isTrue();
    }

    @Test
    void everyQueryReturnsFiniteData() {
        assertThat(queries).as("dashboard queries").hasSizeGreaterThanOrEqualTo(20);
        for (PanelQuery q : queries) {
            if (NO_DATA_LOCALLY.containsKey(key(q))) {
                continue;
            }
            List<Series> series = RESULTS.get(key(q));
            assertThat(series.stream().flatMap(s -> s.finite().stream()))
                    .as("finite values of %s over the run%n%s", describe(q), summary())
                    .isNotEmpty();
            assertThat(series.stream().flatMap(s -> s.points().stream()))
                    .as("no infinite value in %s", describe(q))
                    .noneMatch(p -> Double.isInfinite(p.value()));
        }
    }

    @Test
    void everyQueryHasAPlausibilityCheck() {
        Set<String> checked = Set.of("0/annotation", "1/A", "2/A", "3/A", "4/A", "5/A", "5/B", "5/C", "6/A", "6/B", "7/A",
                "8/A", "9/A", "10/A", "11/A", "12/A", "13/A", "14/A", "15/A", "16/A", "16/B", "17/A");
        assertThat(queries.stream().map(DashboardAgainstPrometheusTest::key).filter(k -> !NO_DATA_LOCALLY.containsKey(k)))
                .as("every dashboard query is checked here or listed in NO_DATA_LOCALLY with a reason")
                .containsExactlyInAnyOrderElementsOf(checked);
    }

    @Test
    void runStatPanelsShowThePushedSummary() {
        boolean allPassed = run.report().expectations().stream().allMatch(e -> e.verdict() == RunReport.Verdict.PASS);
        assertThat(last(single("1/A"))).as("Last run verdict (1 = every expectation passed)").isEqualTo(allPassed ? 1 : 0);
        Series info = single("2/A");
        assertThat(info.labels()).as("Run report labels").containsEntry("run_id", run.runId())
                .containsEntry("report_url", reportUrl());
        assertThat(last(info)).as("Run report value").isEqualTo(1);
        assertThat(last(single("3/A"))).as("Cleanup verified").isEqualTo(1);
        // pushed in seconds with millisecond resolution, shown in ms
        assertThat(last(single("4/A"))).as("Last run finished (ms)").isCloseTo(run.end().toEpochMilli(), within(1.0));
    }

    @Test
    void injectedErrorRateInTheFaultWindowIsConsistentWithFivePercent() {
        // The panel's query at a coarser zoom: $__rate_interval spans the window where the faults were surely live.
        Instant from = run.faultStart().plusSeconds(2);
        Instant to = run.removeStart();
        long window = Duration.between(from, to).toSeconds();
        assertThat(window).as("seconds of fault window checked").isGreaterThanOrEqualTo(7);
        double shown = windowValue("5/B", from, to);

        // Exact counts from the raw samples of the same window (no extrapolation).
        long requests = rawIncrease(REQUESTS, window, to, s -> true);
        long aborted = rawIncrease(REQUESTS, window, to, s -> s.labels().get("response_flags").contains("FI"));
        ConfidenceInterval ci = BinomialProportion.getClopperPearsonInterval((int) requests, (double) aborted / requests, CONFIDENCE);
        String context = String.format("panel 5 B (injected FI) over %ds before %s: shown %.4f; raw %d FI of %d requests; "
                + "Clopper-Pearson %.1f%% [%.4f, %.4f]", window, to, shown, aborted, requests, CONFIDENCE * 100,
                ci.getLowerBound(), ci.getUpperBound());
        assertThat(ci.getLowerBound()).as("enough requests to tell 5 %% from no injection: %s", context).isPositive();
        assertThat(0.05).as("5 %% lies in the interval of the observed FI ratio: %s", context)
                .isBetween(ci.getLowerBound(), ci.getUpperBound());
        assertThat(shown).as("the panel's value lies in the same interval: %s", context)
                .isBetween(ci.getLowerBound(), ci.getUpperBound());
    }

    @Test
    void errorRatePanelsAddUpAndShowNoInjectionBeforeTheFaults() {
        Map<Double, Double> total = byTime(single("5/A"));
        Map<Double, Double> injected = RESULTS.get("5/B").stream().flatMap(s -> s.points().stream())
                .collect(Collectors.toMap(Point::time, Point::value));
        Map<Double, Double> organic = byTime(single("5/C"));
        List<Double> steps = grid(baselineStart(), run.end());
        Set<Double> withInputs = stepsWithRateInputs(ERRORS, ERRORS_NOT_FI, REQUESTS);
        List<Double> judged = steps.stream().filter(withInputs::contains).toList();
        String blank = "steps of the run without two samples in " + RATE_INTERVAL + ", blank in Grafana too: "
                + steps.stream().filter(t -> !withInputs.contains(t)).toList();
        double faultStart = seconds(run.faultStart());
        assertThat(judged).as("steps judged before the faults; %s", blank).anyMatch(t -> t < faultStart);
        assertThat(judged).as("steps judged with the faults live; %s", blank)
                .anyMatch(t -> t >= faultStart + 2 && t <= seconds(run.removeStart()));
        assertThat(judged.size() * 2).as("most steps of the run judged (%d of %d); %s", judged.size(), steps.size(), blank)
                .isGreaterThan(steps.size());
        for (double t : judged) {
            assertThat(total.get(t)).as("total error ratio at %s; %s", t, blank).isNotNull().isBetween(0.0, 1.0);
            assertThat(organic.get(t)).as("organic error ratio at %s; %s", t, blank).isNotNull().isBetween(0.0, 1.0);
            double fi = injected.getOrDefault(t, 0.0);
            assertThat(fi).as("injected error ratio at %s", t).isBetween(0.0, 1.0);
            assertThat(total.get(t)).as("total = injected + organic at %s", t)
                    .isCloseTo(fi + organic.get(t), within(1e-9));
            if (t < faultStart) {
                assertThat(fi).as("no FI before the faults were installed, at %s", t).isZero();
            }
        }
    }

    @Test
    void meshP99IsAboveTheDelayDuringFaults() {
        Series p99 = single("6/A");
        assertThat(p99.labels()).as("P99 series labels").containsEntry("destination_service_name", LocalWeeklyRun.SERVICE);
        Map<Double, Double> values = byTime(p99);
        List<Double> steps = grid(run.faultStart().plusSeconds(5), run.removeStart());
        Set<Double> withInputs = stepsWithRateInputs(DURATION_BUCKETS);
        String blank = "steps without two samples in " + RATE_INTERVAL + ", blank in Grafana too: "
                + steps.stream().filter(t -> !withInputs.contains(t)).toList();
        long judged = steps.stream().filter(withInputs::contains).count();
        assertThat(judged * 2).as("most steps with the faults live judged (%d of %d); %s", judged, steps.size(), blank)
                .isGreaterThan(steps.size());
        // 10 % of requests delayed 500 ms put the 99th percentile in the (500, 1000] bucket.
        for (double t : steps.stream().filter(withInputs::contains).toList()) {
            assertThat(values.get(t)).as("mesh P99 (ms) at %s, faults live; %s", t, blank).isNotNull().isGreaterThan(500.0);
        }
        assertThat(windowValue("6/A", run.faultStart().plusSeconds(3), run.removeStart()))
                .as("mesh P99 (ms) over the fault window").isGreaterThan(500.0);
    }

    /**
     * Low at baseline: no organic delay in the topology is above 80 ms and retries back off at most 25 + 50 + 100 ms,
     * so the baseline stays under the 500 ms line. Only meaningful when the machine kept up: a stalled JVM (the test
     * shares 2 cores with other builds) sends late and answers late, and then the baseline measures the machine.
     */
    @Test
    void p99IsLowAtBaselineWhenTheMachineKeptUp() {
        double late = run.traffic().phase("baseline").fractionSentLaterThan(GENERATOR_STALL);
        assumeTrue(late <= STALLED_SHARE, String.format(java.util.Locale.ROOT, "%.1f %% of the baseline's requests were "
                + "sent more than %d ms late: the machine stalled, so the baseline P99 measures the machine; not judged",
                late * 100, GENERATOR_STALL.toMillis()));
        double mesh = windowValue("6/A", baselineStart().plusSeconds(1), run.faultStart());
        double faults = windowValue("6/A", run.faultStart().plusSeconds(3), run.removeStart());
        assertThat(mesh).as("mesh P99 (ms) over the baseline (fault window: %.0f ms)", faults).isLessThan(500.0)
                .isLessThan(faults);
        assertThat(lastOf("13/A", "phase", "baseline")).as("client P99 of the baseline (ms), pushed").isLessThan(500);
    }

    @Test
    void clientP99IsPresentAndAboveTheDelayDuringFaults() {
        Series client = single("6/B");
        assertThat(client.labels()).as("client P99 labels").containsEntry("experiment", LocalWeeklyRun.EXPERIMENT);
        Map<Double, Double> values = byTime(client);
        for (double t : grid(run.faultStart().plusSeconds(5), run.removeStart())) {
            assertThat(values.get(t)).as("client P99 (ms) at %s, faults live", t).isNotNull().isGreaterThanOrEqualTo(500.0);
        }
        for (double t : grid(baselineStart().plusSeconds(3), run.faultStart())) {
            assertThat(values.get(t)).as("client P99 (ms) at %s, baseline", t).isNotNull().isPositive();
        }
    }

    @Test
    void outlierEjectionsShowTheBrokenCanary() {
        assertThat(RESULTS.get("7/A")).as("Outlier ejections enforced").isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels().get("cluster_name")).matches("outbound\\|80\\|\\w*\\|order-server\\.k1s0-service\\.svc\\.cluster\\.local"))
                .allSatisfy(s -> assertThat(s.finite()).allSatisfy(p -> assertThat(p.value()).isGreaterThanOrEqualTo(0)));
        assertThat(RESULTS.get("8/A")).as("Outlier ejections active").isNotEmpty()
                .allSatisfy(s -> assertThat(s.finite()).allSatisfy(p -> assertThat(p.value()).isBetween(0.0, 3.0)));
        assertThat(max(RESULTS.get("8/A"))).as("hosts ejected at some point (the canary fails 60 %%)").isGreaterThanOrEqualTo(1);
        // Panel 7 shows increase() per window and stays 0 here: the canary is ejected once, during the warm-up, for
        // baseEjectionTime 60s, and the local mesh creates the counter at its first ejection (Envoy starts it at 0),
        // so no window sees it rise. The ejection itself is in the counter:
        assertThat(prometheus.instant("sum(envoy_cluster_outlier_detection_ejections_enforced_total{cluster_name=~\"outbound[|].*[|]"
                + LocalWeeklyRun.SERVICE + "[.]" + LocalWeeklyRun.NAMESPACE + "[.]svc.*\"})", run.end()))
                .as("ejections enforced on order-server's clusters by the end of the run").singleElement()
                .satisfies(s -> assertThat(s.points().get(0).value()).isGreaterThanOrEqualTo(1));
    }

    @Test
    void retriesArePresentAndTheirSuccessRateIsARatio() {
        assertThat(RESULTS.get("9/A")).as("Retries per second").isNotEmpty()
                .allSatisfy(s -> assertThat(s.finite()).allSatisfy(p -> assertThat(p.value()).isGreaterThanOrEqualTo(0)));
        assertThat(maxDuringRun(RESULTS.get("9/A"))).as("retries per second at their peak during the run").isGreaterThan(0);
        assertThat(RESULTS.get("10/A")).as("Retry success rate").isNotEmpty()
                .allSatisfy(s -> assertThat(s.finite()).allSatisfy(p -> assertThat(p.value()).isBetween(0.0, 1.0)));
        assertThat(maxDuringRun(RESULTS.get("10/A"))).as("some retries succeeded during the run").isGreaterThan(0);
    }

    @Test
    void verdictHistoryAndPhaseSummariesComeFromThePushgateway() {
        Map<String, Long> expected = run.report().expectations().stream().collect(Collectors.groupingBy(
                e -> e.verdict().name().toLowerCase(java.util.Locale.ROOT), Collectors.counting()));
        Map<String, Double> shown = RESULTS.get("11/A").stream().collect(Collectors.toMap(s -> s.labels().get("result"),
                DashboardAgainstPrometheusTest::last));
        assertThat(shown).as("verdict history: expectations by result").isEqualTo(expected.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().doubleValue())));
        for (RunReport.Phase phase : run.report().phases()) {
            assertThat(lastOf("12/A", "phase", phase.name())).as("run error ratio of %s", phase.name())
                    .isEqualTo(phase.errorRatio());
            assertThat(lastOf("13/A", "phase", phase.name())).as("run P99 of %s", phase.name())
                    .isEqualTo(phase.clientP99Ms());
        }
        assertThat(lastOf("13/A", "phase", "injection")).as("client P99 of the injection phase (ms)").isGreaterThanOrEqualTo(500);
    }

    @Test
    void chaosMetricsCountTheExperimentAndItsFaults() {
        String result = run.report().overall() == RunReport.Verdict.PASS ? "success" : "failure";
        assertThat(RESULTS.get("14/A").stream().map(s -> s.labels().get("result")))
                .as("chaos_experiment_total results").containsExactlyInAnyOrder("success", "failure", "aborted");
        RESULTS.get("14/A").stream().filter(s -> !s.labels().get("result").equals(result)).forEach(s ->
                assertThat(max(List.of(s))).as("experiments counted under %s", s.labels()).isZero());
        assertThat(max(RESULTS.get("14/A").stream().filter(s -> s.labels().get("result").equals(result)).toList()))
                .as("the finished experiment shows up under result=%s", result).isGreaterThan(0);
        assertThat(RESULTS.get("15/A").stream().map(s -> s.labels().get("fault_type")).collect(Collectors.toSet()))
                .as("fault types injected").isEqualTo(FAULT_METRICS);
        RESULTS.get("15/A").forEach(s -> assertThat(max(List.of(s))).as("faults injected %s", s.labels()).isGreaterThan(0));

        double faultSeconds = Duration.between(run.faultStart(), run.removeStart()).toMillis() / 1000.0;
        double upper = Duration.between(run.start(), run.end()).toMillis() / 1000.0;
        assertThat(last(single("16/A"))).as("chaos experiment duration (s), final").isBetween(faultSeconds, upper);
        Map<Double, Double> active = byTime(single("16/B"));
        for (double t : grid(run.faultStart().plusSeconds(2), run.removeStart())) {
            assertThat(active.get(t)).as("chaos_experiment_active at %s", t).isEqualTo(1);
        }
        for (double t : grid(baselineStart().plusSeconds(2), run.faultStart())) {
            assertThat(active.get(t)).as("chaos_experiment_active at %s (baseline)", t).isEqualTo(0);
        }
        assertThat(last(single("17/A"))).as("SLO impact ratio").isEqualTo(LocalWeeklyRun.sloImpact(run.report()))
                .isGreaterThan(0);
    }

    @Test
    void faultWindowAnnotationCoversExactlyTheFaultWindow() {
        List<Point> points = RESULTS.get("0/annotation").stream().flatMap(s -> s.points().stream()).toList();
        double first = points.stream().mapToDouble(Point::time).min().orElseThrow();
        double lastPoint = points.stream().mapToDouble(Point::time).max().orElseThrow();
        assertThat(first).as("annotation starts after the faults went in").isGreaterThanOrEqualTo(seconds(run.faultStart()));
        assertThat(lastPoint).as("annotation ends within two scrapes of the removal")
                .isLessThanOrEqualTo(seconds(run.faultEnd().plus(LocalMonitoring.SCRAPE_INTERVAL.multipliedBy(2))));
        assertThat((double) points.size()).as("annotated seconds")
                .isGreaterThanOrEqualTo(Duration.between(run.faultStart(), run.removeStart()).toSeconds() - 2.0);
    }

    @Test
    void templateVariablesResolveToTheRun() {
        Instant start = run.start();
        assertThat(prometheus.labelValues("destination_service_namespace", "istio_requests_total{reporter=\"source\"}",
                start, scrapedUntil)).as("$namespace options").contains(LocalWeeklyRun.NAMESPACE);
        assertThat(prometheus.labelValues("destination_service_name", "istio_requests_total{reporter=\"source\", "
                + "destination_service_namespace=~\"" + LocalWeeklyRun.NAMESPACE + "\"}", start, scrapedUntil))
                .as("$service options").contains(LocalWeeklyRun.SERVICE);
        assertThat(prometheus.labelValues("run_id", "fault_injection_run_info{job=\"fault-injection-weekly\"}", start,
                scrapedUntil)).as("$run options").containsExactly(run.runId());
        assertThat(prometheus.labelValues("report_url", "fault_injection_run_info{job=\"fault-injection-weekly\", run_id=~\""
                + run.runId() + "\"}", start, scrapedUntil)).as("$report_url").containsExactly(reportUrl());
    }

    // --- helpers

    /**
     * The dashboard's time range: from the first request (the warm-up bursts, order-bff's traffic like the rest)
     * to the last scrape, on whole seconds so that the steps fall on whole seconds.
     */
    private static Instant rangeStart() {
        return run.warmupStart().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private static Instant baselineStart() {
        return run.traffic().phase("baseline").start();
    }

    private static String reportUrl() {
        return "http://127.0.0.1/reports/" + (run == null ? "" : run.runId()) + "/report.html";
    }

    private static long injectedSoFar(String flag) {
        List<Series> s = prometheus.instant("sum(istio_requests_total{reporter=\"source\", destination_service_name=\""
                + LocalWeeklyRun.SERVICE + "\", response_flags=~\".*" + flag + ".*\"})", Instant.now());
        return s.isEmpty() ? 0 : Math.round(s.get(0).points().get(0).value());
    }

    private static void awaitTargetsUp() {
        await("every scrape target up (log: " + monitoring.logOf("prometheus") + ")")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    List<Series> up = prometheus.instant("up", Instant.now());
                    return up.size() == mesh.metricsEndpoints().size() + 2
                            && up.stream().allMatch(s -> s.points().get(0).value() == 1);
                });
    }

    private static double lastScrape(String job, java.util.function.BinaryOperator<Double> combine) {
        return prometheus.instant("timestamp(up{job=\"" + job + "\"})", Instant.now()).stream()
                .map(s -> s.points().get(0).value()).reduce(combine).orElse(0.0);
    }

    /** The query's single value over one window ending at {@code to}: $__rate_interval set to the window's length. */
    private static double windowValue(String key, Instant from, Instant to) {
        long window = Duration.between(from, to).toSeconds();
        String expr = query(key).expr().replace("[" + RATE_INTERVAL + "]", "[" + window + "s]");
        List<Series> result = prometheus.instant(expr, to);
        assertThat(result).as("%s at %s", expr, to).hasSize(1);
        return result.get(0).points().get(0).value();
    }

    /**
     * The steps at which every series of every selector that has samples within $__rate_interval has at least two:
     * where rate() has a value for each of them, so a sum over them is whole. A series created moments before, or a
     * scrape delayed on a loaded machine (the test shares 2 cores with the build), leaves a step blank or partial; the
     * panel shows the same there in Grafana.
     */
    private static Set<Double> stepsWithRateInputs(String... selectors) {
        Set<Double> steps = null;
        for (String selector : selectors) {
            Set<Double> here = prometheus.range("min(count_over_time(" + selector + "[" + RATE_INTERVAL + "]))", rangeStart(),
                            scrapedUntil, STEP).stream().flatMap(s -> s.points().stream()).filter(p -> p.value() >= 2)
                    .map(Point::time).collect(Collectors.toCollection(java.util.HashSet::new));
            if (steps == null) {
                steps = here;
            } else {
                steps.retainAll(here);
            }
        }
        return steps;
    }

    /** Sum over the matching series of (last - first) raw sample in the {@code window} before {@code at}. */
    private static long rawIncrease(String selector, long window, Instant at, Predicate<Series> which) {
        return Math.round(prometheus.instant(selector + "[" + window + "s]", at).stream().filter(which)
                .mapToDouble(s -> s.points().get(s.points().size() - 1).value() - s.points().get(0).value()).sum());
    }

    private static String key(PanelQuery q) {
        return q.panelId() + "/" + q.refId();
    }

    private static PanelQuery query(String key) {
        return queries.stream().filter(q -> key(q).equals(key)).findFirst().orElseThrow();
    }

    private static String describe(PanelQuery q) {
        return "panel " + q.panelId() + " '" + q.title() + "' " + q.refId() + ": " + q.expr();
    }

    private static Series single(String key) {
        List<Series> series = RESULTS.get(key);
        assertThat(series).as("series of %s", describe(query(key))).hasSize(1);
        return series.get(0);
    }

    private static double last(Series s) {
        List<Point> finite = s.finite();
        assertThat(finite).as("finite points of %s", s.labels()).isNotEmpty();
        return finite.get(finite.size() - 1).value();
    }

    private static double lastOf(String key, String label, String value) {
        return last(RESULTS.get(key).stream().filter(s -> value.equals(s.labels().get(label))).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + label + "=" + value + " in " + RESULTS.get(key))));
    }

    private static double max(List<Series> series) {
        return series.stream().flatMap(s -> s.finite().stream()).mapToDouble(Point::value).max().orElse(Double.NaN);
    }

    /** The largest finite value from the baseline's start on (the range also covers the warm-up bursts). */
    private static double maxDuringRun(List<Series> series) {
        double from = seconds(baselineStart());
        return series.stream().flatMap(s -> s.finite().stream()).filter(p -> p.time() >= from).mapToDouble(Point::value)
                .max().orElse(Double.NaN);
    }

    private static Map<Double, Double> byTime(Series s) {
        return s.points().stream().collect(Collectors.toMap(Point::time, Point::value));
    }

    /** The whole seconds from {@code from} to {@code to}: the query_range steps in between (the range starts on a whole second). */
    private static List<Double> grid(Instant from, Instant to) {
        List<Double> times = new java.util.ArrayList<>();
        for (long t = (long) Math.ceil(seconds(from)); t <= (long) Math.floor(seconds(to)); t++) {
            times.add((double) t);
        }
        return times;
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /** What the queries returned, per second, next to the run's timeline: for a human reading a failure or the report. */
    private static void writeObservations(Path file) throws java.io.IOException {
        StringBuilder out = new StringBuilder("run ").append(run.runId()).append(": start ").append(run.start())
                .append(", faults installed ").append(run.faultStart()).append(", removal started ").append(run.removeStart())
                .append(", removed ").append(run.faultEnd()).append(", end ").append(run.end()).append('\n')
                .append(run.traffic().summary()).append('\n');
        run.report().expectations().forEach(e -> out.append("expectation ").append(e).append('\n'));
        run.report().phases().forEach(p -> out.append("phase ").append(p.name()).append(": requests ").append(p.requests())
                .append(", injected ").append(p.injectedErrors()).append(", organic ").append(p.organicErrors())
                .append(", client P99 ").append(p.clientP99Ms()).append(" ms\n"));
        out.append(summary()).append('\n');
        for (PanelQuery q : queries) {
            out.append(describe(q)).append('\n');
            for (Series s : RESULTS.get(key(q))) {
                out.append("  ").append(s.labels()).append("\n    ");
                s.points().forEach(p -> out.append(String.format(java.util.Locale.ROOT, "%+.0f:%.4g ",
                        p.time() - seconds(run.faultStart()), p.value())));
                out.append('\n');
            }
        }
        out.append("retry counters at the end (local-mesh diagnostics):\n");
        prometheus.instant("{__name__=~\"envoy_cluster_upstream_rq_retry.*|envoy_cluster_upstream_rq_pending_overflow\"}",
                scrapedUntil).forEach(s -> out.append("  ").append(s.labels().get("__name__")).append(' ')
                .append(s.labels().get("cluster_name")).append(' ').append(s.labels().get("workload")).append(' ')
                .append(s.points().get(0).value()).append('\n'));
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        java.nio.file.Files.writeString(file, out);
    }

    /** Per query: series count, finite points, min and max; printed in failure messages and the report. */
    static String summary() {
        StringBuilder out = new StringBuilder();
        for (PanelQuery q : queries) {
            List<Series> series = RESULTS.get(key(q));
            var stats = series.stream().flatMap(s -> s.finite().stream()).mapToDouble(Point::value).summaryStatistics();
            out.append(String.format("%-14s %-45s series=%d finite=%d min=%.4g max=%.4g%n", key(q), q.title(),
                    series.size(), stats.getCount(), stats.getCount() == 0 ? Double.NaN : stats.getMin(),
                    stats.getCount() == 0 ? Double.NaN : stats.getMax()));
        }
        return out.toString();
    }
}
