package io.k1s0.fault.verdict;

import io.k1s0.fault.metrics.Buckets;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.metrics.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The judgements behind the assertions, without throwing: each returns a {@link Verdict}. Intervals and tests come
 * from Hipparchus ({@link BinomialProportion}'s Wilson score for "consistent with"; Clopper-Pearson as Beta quantiles
 * for one-sided "below"). For runners and reports that collect verdicts instead of failing on the first.
 */
public final class Judge {

    /** Confidence used when none is given. */
    public static final double DEFAULT_CONFIDENCE = 0.99;
    /** Tolerance of "consistent with" when none is given: ± 1 percentage point. */
    public static final Ratio DEFAULT_TOLERANCE = Ratio.percent(1);

    /** Flagger's built-in gates as the k1s0 design sets them. */
    static final double CANARY_MIN_SUCCESS_PERCENT = 99;
    static final double CANARY_MAX_P99_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(Judge.class);

    /** Which injected fault a fraction is about. */
    public enum Fault {
        ABORT("abort fraction", PromQl.INJECTED_ABORTS, "FI"),
        DELAY("delay fraction", PromQl.INJECTED_DELAYS, "DI");

        final String subject;
        final PromQl entry;
        final String flag;

        Fault(String subject, PromQl entry, String flag) {
            this.subject = subject;
            this.entry = entry;
            this.flag = flag;
        }
    }

    private Judge() {}

    /** Is the observed fraction of {@code fault} consistent with {@code expected} (Wilson interval)? */
    public static Verdict fraction(FaultWindow w, Fault fault, Ratio expected, Ratio tolerance, double confidence) {
        SampleSizePlanner.checkConfidence(confidence);
        String subject = "[" + fault.subject + " " + w.caller() + " → " + w.target() + "]";
        long n = count(PromQl.REQUESTS.evaluate(w.snapshot(), w.scope()));
        long k = count(fault.entry.evaluate(w.snapshot(), w.scope()));
        Plan plan = SampleSizePlanner.forFraction(expected, tolerance, confidence);
        VerdictMessages.Context ctx = requestContext(w, List.of(fault.entry, PromQl.REQUESTS),
                VerdictMessages.count(n) + " requests, " + VerdictMessages.count(k) + " with " + fault.flag, List.of());
        String expectedText = expected + " (± " + tolerance + ")";
        if (n == 0) {
            return inconclusive(subject, plan, 0, "requests", "no requests from " + w.caller() + " to " + w.target(), ctx);
        }
        double observed = (double) k / n;
        ConfidenceInterval ci = BinomialProportion.getWilsonScoreInterval(toInt(n), observed, confidence);
        // At k = 0 and k = n the Wilson bound is exactly 0 or 1; floating point lands just inside it.
        double low = k == 0 ? 0.0 : ci.getLowerBound();
        double high = k == n ? 1.0 : ci.getUpperBound();
        String actual = Ratio.format(observed) + " (" + VerdictMessages.count(k) + " of " + VerdictMessages.count(n)
                + " requests; " + VerdictMessages.interval(confidence, "Wilson", low, high) + ")";
        if (expected.value() < low || expected.value() > high) {
            return new Verdict(Verdict.Outcome.FAIL, VerdictMessages.fail(subject,
                    "the " + SampleSizePlanner.confidenceText(confidence) + " Wilson interval of the observed "
                            + fault.subject + " excludes the configured " + expected,
                    actual, "consistent with", expectedText, ctx), expected.toString(), Ratio.format(observed));
        }
        if (n < plan.requests()) {
            return inconclusive(subject, plan, n, "requests", actual, ctx);
        }
        return pass(subject, actual, "is consistent with", expectedText);
    }

    /** Is the 5xx rate (optionally without injected aborts) below {@code threshold} (one-sided Clopper-Pearson)? */
    public static Verdict errorRateBelow(FaultWindow w, boolean excludingInjected, Ratio threshold, double confidence) {
        SampleSizePlanner.checkConfidence(confidence);
        PromQl errors = excludingInjected ? PromQl.ORGANIC_ERRORS_5XX : PromQl.ERRORS_5XX;
        PromQl requests = excludingInjected ? PromQl.REQUESTS_NOT_INJECTED : PromQl.REQUESTS;
        String subject = "[" + (excludingInjected ? "organic error rate " : "error rate ") + w.caller() + " → "
                + w.target() + "]";
        long n = count(requests.evaluate(w.snapshot(), w.scope()));
        long k = count(errors.evaluate(w.snapshot(), w.scope()));
        List<String> notes = excludingInjected
                ? List.of("injected aborts (FI) are left out of both numerator and denominator")
                : List.of("includes injected aborts (FI); use excludingInjected() for the service's own errors");
        VerdictMessages.Context ctx = requestContext(w, List.of(errors, requests),
                VerdictMessages.count(n) + " requests, " + VerdictMessages.count(k) + " 5xx; 5xx by response_flags "
                        + byFlags(PromQl.ERRORS_5XX_BY_FLAGS.evaluateByFlags(w.snapshot(), w.scope())), notes);
        if (n == 0) {
            return inconclusive(subject, SampleSizePlanner.forRateBelow(threshold, Ratio.percent(0), confidence), 0,
                    "requests", "no requests from " + w.caller() + " to " + w.target(), ctx);
        }
        double observed = (double) k / n;
        double lower = clopperPearsonLower(k, n, confidence);
        double upper = clopperPearsonUpper(k, n, confidence);
        String actual = Ratio.format(observed) + " (" + VerdictMessages.count(k) + " of " + VerdictMessages.count(n)
                + " requests; one-sided " + SampleSizePlanner.confidenceText(confidence) + " Clopper-Pearson bounds ["
                + Ratio.format(lower) + ", " + Ratio.format(upper) + "])";
        if (upper < threshold.value()) {
            return pass(subject, actual, "is below", threshold.toString());
        }
        if (lower >= threshold.value()) {
            return new Verdict(Verdict.Outcome.FAIL, VerdictMessages.fail(subject,
                    "even the lower " + SampleSizePlanner.confidenceText(confidence) + " bound "
                            + Ratio.format(lower) + " is not below " + threshold,
                    actual, "below", threshold.toString(), ctx), "< " + threshold, Ratio.format(observed));
        }
        Plan plan = SampleSizePlanner.forRateBelow(threshold, Ratio.percent(observed * 100), confidence);
        return inconclusive(subject, plan, n, "requests", actual, ctx);
    }

    /** Is the caller-side P99 (from buckets, reporter=source) below {@code threshold}? */
    public static Verdict p99Below(FaultWindow w, Duration threshold, double confidence) {
        SampleSizePlanner.checkConfidence(confidence);
        String subject = "[P99 " + w.caller() + " → " + w.target() + "]";
        Buckets buckets = w.snapshot().buckets(MeshMetric.REQUEST_DURATION, PromQl.LATENCY_P99.selector(w.scope()));
        long n = count(buckets.count());
        double p99 = buckets.quantile(0.99);
        double limit = threshold.toNanos() / 1e6;
        List<String> notes = new ArrayList<>();
        String coarse = coarseBucketWarning(buckets, limit);
        if (coarse != null) {
            notes.add(coarse);
        }
        w.clientQuantileMillis(0.99).ifPresent(c -> notes.add("client-side P99 " + VerdictMessages.millis(c)
                + " (HdrHistogram, " + VerdictMessages.count(w.clientLatency().get().getTotalCount()) + " samples)"));
        VerdictMessages.Context ctx = context(w, List.of(PromQl.LATENCY_P99.promql(w.scope(), w.length())),
                VerdictMessages.count(n) + " observations; buckets " + nonEmptyBuckets(buckets), notes,
                MeshMetric.REQUEST_DURATION);
        Plan plan = SampleSizePlanner.forQuantile(0.99, confidence);
        String actual = Double.isNaN(p99) ? "no P99 (no observations)" : VerdictMessages.millis(p99)
                + bucketText(buckets, p99);
        if (n < plan.requests()) {
            return inconclusive(subject, plan, n, "observations", actual, ctx);
        }
        String expected = VerdictMessages.millis(limit);
        if (p99 < limit) {
            if (coarse != null) {
                LOG.warn("{} passes, but {}", subject, coarse);
            }
            return pass(subject, actual, "is below", expected);
        }
        return new Verdict(Verdict.Outcome.FAIL, VerdictMessages.fail(subject,
                "the P99 from " + MeshMetric.REQUEST_DURATION.promName() + " buckets is not below " + expected,
                actual, "below", expected, ctx), "< " + expected, VerdictMessages.millis(p99));
    }

    /** Did a cumulative Envoy counter (retries, ejections, …) reach {@code min} in the window? */
    public static Verdict countAtLeast(FaultWindow w, PromQl entry, long min) {
        if (entry.isQuantile() || entry.metric().promName().startsWith("istio_")) {
            throw new IllegalArgumentException("entry is " + entry + "; allowed: an Envoy cluster counter entry "
                    + "(RETRIES, RETRY_SUCCESS, RETRY_OVERFLOW, RETRY_LIMIT_EXCEEDED, PENDING_OVERFLOW, EJECTIONS, "
                    + "EJECTIONS_CONSECUTIVE_5XX, EJECTIONS_ACTIVE)");
        }
        String subject = "[" + entry.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + w.caller() + " → "
                + w.target() + "]";
        long value = count(entry.evaluate(w.snapshot(), w.clusterScope()));
        boolean exported = !w.snapshot().series(entry.metric().seriesName()).isEmpty();
        List<String> notes = new ArrayList<>();
        notes.add(entry.doc());
        if (!exported) {
            notes.add("no " + entry.metric().promName() + " series at all: Envoy cluster stats are not exported "
                    + "by default; enable them with proxyStatsMatcher (e.g. inclusionRegexps .*upstream_rq_retry.*, "
                    + ".*outlier_detection.*) and restart the pods");
        }
        VerdictMessages.Context ctx = context(w, List.of(entry.promql(w.clusterScope(), w.length())),
                VerdictMessages.count(value) + " in the window", notes, entry.metric());
        String actual = VerdictMessages.count(value);
        String expected = VerdictMessages.count(min);
        if (value >= min) {
            return pass(subject, actual, "is at least", expected);
        }
        return new Verdict(Verdict.Outcome.FAIL, VerdictMessages.fail(subject,
                exported ? entry.metric().promName() + " rose by " + actual + " in the window, fewer than " + expected
                        : entry.metric().promName() + " is not exported by the caller's sidecar",
                actual, "at least", expected, ctx), ">= " + expected, actual);
    }

    /** Flagger's built-in checks on this window: success rate ≥ 99 % and P99 ≤ 500 ms, reporter=destination. */
    public static Verdict canaryAnalysis(FaultWindow w) {
        String subject = "[canary analysis " + w.target() + "]";
        Selector scope = w.canaryScope();
        long total = count(PromQl.CANARY_REQUESTS.evaluate(w.snapshot(), scope));
        long ok = count(PromQl.CANARY_NON_5XX.evaluate(w.snapshot(), scope));
        double p99 = PromQl.CANARY_LATENCY_P99.evaluate(w.snapshot(), scope);
        double success = total == 0 ? Double.NaN : 100.0 * ok / total;
        List<String> notes = new ArrayList<>();
        notes.add("reporter=\"destination\" as Flagger's request-success-rate and request-duration: client-side "
                + "injected aborts (FI) and delays (DI) never reach the server's sidecar, so this check cannot see them");
        if (w.abortPercent().isPresent() || w.delayPercent().isPresent()) {
            notes.add("configured faults (abort " + w.abortPercent().map(Ratio::toString).orElse("none") + ", delay "
                    + w.delayPercent().map(Ratio::toString).orElse("none") + ") are not in these numbers");
        }
        VerdictMessages.Context ctx = context(w, List.of(PromQl.CANARY_NON_5XX.promql(scope, w.length()),
                PromQl.CANARY_REQUESTS.promql(scope, w.length()), PromQl.CANARY_LATENCY_P99.promql(scope, w.length())),
                VerdictMessages.count(total) + " requests, " + VerdictMessages.count(total - ok) + " 5xx", notes,
                MeshMetric.REQUESTS);
        String actual = "success " + (Double.isNaN(success) ? "no values found" : String.format(Locale.ROOT, "%.2f %%", success))
                + ", P99 " + (Double.isNaN(p99) ? "no values found" : VerdictMessages.millis(p99));
        String expected = String.format(Locale.ROOT, "success ≥ %.2f %%, P99 ≤ %s", CANARY_MIN_SUCCESS_PERCENT,
                VerdictMessages.millis(CANARY_MAX_P99_MILLIS));
        boolean passes = !Double.isNaN(success) && !Double.isNaN(p99) && success >= CANARY_MIN_SUCCESS_PERCENT
                && p99 <= CANARY_MAX_P99_MILLIS;
        if (passes) {
            return pass(subject, actual, "meets", expected);
        }
        String why = Double.isNaN(success) || Double.isNaN(p99) ? "no values found (Flagger halts advancement)"
                : success < CANARY_MIN_SUCCESS_PERCENT && p99 > CANARY_MAX_P99_MILLIS ? "both gates fail"
                : success < CANARY_MIN_SUCCESS_PERCENT ? "request-success-rate gate fails" : "request-duration gate fails";
        return new Verdict(Verdict.Outcome.FAIL, VerdictMessages.fail(subject, "Flagger would count a failed check: " + why,
                actual, "meeting", expected, ctx), expected, actual);
    }

    /**
     * One-sided Clopper-Pearson bounds as Beta quantiles (Hipparchus). Hipparchus's own
     * {@code getClopperPearsonInterval} gives the same numbers but rejects k = 0 and k = n, the most common cases here
     * (no organic errors), where the exact bounds are 0 and 1.
     */
    static double clopperPearsonUpper(long k, long n, double confidence) {
        return k >= n ? 1 : new BetaDistribution(k + 1, n - k).inverseCumulativeProbability(confidence);
    }

    static double clopperPearsonLower(long k, long n, double confidence) {
        return k <= 0 ? 0 : new BetaDistribution(k, n - k + 1).inverseCumulativeProbability(1 - confidence);
    }

    private static Verdict pass(String subject, String actual, String relation, String expected) {
        String message = VerdictMessages.pass(subject, actual, relation, expected);
        LOG.info("{}", message);
        return new Verdict(Verdict.Outcome.PASS, message, expected, actual);
    }

    private static Verdict inconclusive(String subject, Plan plan, long had, String unit, String observed,
            VerdictMessages.Context ctx) {
        return new Verdict(Verdict.Outcome.INCONCLUSIVE, VerdictMessages.inconclusive(subject, plan, had, unit, observed, ctx),
                "≥ " + plan.requests() + " " + unit, had + " " + unit);
    }

    private static VerdictMessages.Context requestContext(FaultWindow w, List<PromQl> entries, String samples,
            List<String> notes) {
        List<String> queries = new ArrayList<>();
        entries.forEach(e -> queries.add(e.promql(w.scope(), w.length())));
        return context(w, queries, samples, notes, MeshMetric.REQUESTS);
    }

    private static VerdictMessages.Context context(FaultWindow w, List<String> queries, String samples,
            List<String> notes, MeshMetric metric) {
        return new VerdictMessages.Context(queries, w.start(), w.end(), samples, w.sourceDescription().orElse(null),
                notes, metric, w.snapshot().labelSets(metric));
    }

    /** Warns when the threshold sits strictly inside a bucket whose upper bound is at least twice its lower. */
    static String coarseBucketWarning(Buckets buckets, double limitMillis) {
        double[] b = buckets.bucketOf(limitMillis);
        if (b == null || b[1] == limitMillis || Double.isInfinite(b[1]) || (b[0] > 0 && b[1] / b[0] < 2)) {
            return null;
        }
        return "the threshold " + VerdictMessages.millis(limitMillis) + " lies inside the bucket ("
                + fmtBound(b[0]) + ", " + fmtBound(b[1]) + "] ms: a P99 there is linear interpolation, not a measurement; "
                + "compare the client-side P99 or add finer buckets (sidecar.istio.io/statsHistogramBuckets)";
    }

    private static String bucketText(Buckets buckets, double value) {
        double[] b = buckets.bucketOf(value);
        return b == null ? "" : " (in bucket (" + fmtBound(b[0]) + ", " + fmtBound(b[1]) + "] ms)";
    }

    private static String nonEmptyBuckets(Buckets buckets) {
        StringBuilder sb = new StringBuilder("{");
        double previous = 0;
        for (var e : buckets.cumulative().entrySet()) {
            double inBucket = e.getValue() - previous;
            previous = e.getValue();
            if (inBucket > 0) {
                sb.append(sb.length() > 1 ? ", " : "").append("le ").append(fmtBound(e.getKey())).append(": ")
                        .append(VerdictMessages.count(count(inBucket)));
            }
        }
        return sb.append('}').toString();
    }

    private static String byFlags(java.util.Map<String, Double> counts) {
        StringBuilder sb = new StringBuilder("{");
        counts.forEach((flags, n) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(flags).append("\": ")
                .append(VerdictMessages.count(count(n))));
        return sb.append('}').toString();
    }

    private static String fmtBound(double v) {
        if (Double.isInfinite(v)) {
            return "+Inf";
        }
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static long count(double v) {
        return Double.isNaN(v) ? 0 : Math.round(v);
    }

    private static int toInt(long n) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sample count " + n + " exceeds " + Integer.MAX_VALUE);
        }
        return (int) n;
    }
}
