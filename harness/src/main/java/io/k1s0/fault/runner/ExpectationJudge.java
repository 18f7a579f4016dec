package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.experiment.SampleSizePlanner;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.report.RunReport;
import io.k1s0.fault.verdict.FaultWindow;
import io.k1s0.fault.verdict.Judge;
import io.k1s0.fault.verdict.Ratio;
import io.k1s0.fault.verdict.Verdict;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Judges the experiment's expectations on the injection window with {@link Judge} (never throws on a failure). */
final class ExpectationJudge {

    private final Experiment experiment;
    private final String caller;
    private final String defaultTarget;
    private final SampleSizePlanner planner;

    ExpectationJudge(Experiment experiment, String caller, String defaultTarget, SampleSizePlanner planner) {
        this.experiment = experiment;
        this.caller = caller;
        this.defaultTarget = defaultTarget;
        this.planner = planner;
    }

    List<RunReport.Expectation> judge(MeshSnapshot injection, Histogram clientMicros) {
        return experiment.spec().expectations().stream().map(e -> judgeOne(e, injection, clientMicros)).toList();
    }

    private RunReport.Expectation judgeOne(Experiment.Expectation e, MeshSnapshot snapshot, Histogram clientMicros) {
        String target = e.target() == null ? defaultTarget : e.target();
        Experiment.Faults faults = experiment.spec().faults();
        FaultWindow.Builder b = FaultWindow.of(snapshot).edge(caller, target).clientLatency(clientMicros, TimeUnit.MICROSECONDS);
        if (faults.abort() != null) {
            b.abortPercent(Ratio.percent(faults.abort().percent().value()));
        }
        if (faults.delay() != null) {
            b.delayPercent(Ratio.percent(faults.delay().percent().value()));
        }
        FaultWindow w = b.build();
        double c = e.confidence();
        long n = Math.round(PromQl.REQUESTS.evaluate(snapshot, w.scope()));
        long needed = planner.requiredRequests(experiment, e);
        String name = e.metric().yamlName() + " " + e.op().yamlName() + " " + e.value() + " (" + caller + " → " + target + ")";
        Verdict v;
        String unit;
        Double expected;
        Double actual;
        switch (e.metric()) {
            case ABORT_FRACTION, DELAY_FRACTION -> {
                boolean abort = e.metric() == Experiment.Metric.ABORT_FRACTION;
                v = Judge.fraction(w, abort ? Judge.Fault.ABORT : Judge.Fault.DELAY, Ratio.percent(e.fraction() * 100),
                        Judge.DEFAULT_TOLERANCE, c);
                unit = "ratio";
                expected = e.fraction();
                long k = Math.round((abort ? PromQl.INJECTED_ABORTS : PromQl.INJECTED_DELAYS).evaluate(snapshot, w.scope()));
                actual = n == 0 ? null : (double) k / n;
            }
            case ERROR_RATE, ORGANIC_ERROR_RATE -> {
                boolean organic = e.metric() == Experiment.Metric.ORGANIC_ERROR_RATE;
                v = Judge.errorRateBelow(w, organic, Ratio.percent(e.fraction() * 100), c);
                unit = "ratio";
                expected = e.fraction();
                long denominator = Math.round((organic ? PromQl.REQUESTS_NOT_INJECTED : PromQl.REQUESTS).evaluate(snapshot, w.scope()));
                long k = Math.round((organic ? PromQl.ORGANIC_ERRORS_5XX : PromQl.ERRORS_5XX).evaluate(snapshot, w.scope()));
                actual = denominator == 0 ? null : (double) k / denominator;
            }
            case P99 -> {
                v = Judge.p99Below(w, e.duration(), c);
                unit = "ms";
                expected = (double) e.duration().toMillis();
                // the same number the verdict judges: the edge's P99 from the caller sidecar's buckets
                double p99 = snapshot.buckets(MeshMetric.REQUEST_DURATION, PromQl.LATENCY_P99.selector(w.scope())).quantile(0.99);
                actual = Double.isNaN(p99) ? null : p99;
            }
            default -> {
                PromQl entry = e.metric() == Experiment.Metric.RETRIES ? PromQl.RETRIES : PromQl.EJECTIONS;
                v = Judge.countAtLeast(w, entry, e.count());
                unit = "count";
                expected = (double) e.count();
                actual = entry.evaluate(snapshot, w.clusterScope());
            }
        }
        return new RunReport.Expectation(name, outcome(v), unit, expected, actual, null, null, n, needed, v.message());
    }

    private static RunReport.Verdict outcome(Verdict v) {
        return switch (v.outcome()) {
            case PASS -> RunReport.Verdict.PASS;
            case FAIL -> RunReport.Verdict.FAIL;
            case INCONCLUSIVE -> RunReport.Verdict.INCONCLUSIVE;
        };
    }
}
