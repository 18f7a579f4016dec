package io.k1s0.fault.report;

import io.k1s0.fault.report.RunReport.Expectation;
import io.k1s0.fault.report.RunReport.Phase;
import io.k1s0.fault.report.RunReport.Verdict;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The run summary in the Prometheus text format, with the names of the dashboard's metric-name contract
 * ({@code grafana/README.md}). Every sample is a gauge without a timestamp: the Pushgateway rejects timestamps.
 */
final class PushgatewayPayload {

    private PushgatewayPayload() {
    }

    static String render(RunReport r) {
        StringBuilder t = new StringBuilder();
        Map<String, String> info = new LinkedHashMap<>();
        info.put("run_id", r.runId());
        info.put("report_url", r.links().report() == null ? "" : r.links().report());
        info.put("experiment", r.experiment());
        info.put("environment", r.environment());
        gauge(t, "fault_injection_run_info", "The last run's identity; always 1. The only place a run id appears.");
        sample(t, "fault_injection_run_info", info, 1);

        boolean success = r.abortedOnBreach() == null
                && r.expectations().stream().allMatch(e -> e.verdict() == Verdict.PASS);
        gauge(t, "fault_injection_run_success", "1 if every expectation passed and the run was not aborted, else 0.");
        sample(t, "fault_injection_run_success", Map.of(), success ? 1 : 0);

        gauge(t, "fault_injection_run_verdict", "One series per expectation with its result; always 1.");
        for (Expectation e : r.expectations()) {
            sample(t, "fault_injection_run_verdict", ordered("expectation", e.name(), "result", result(r, e)), 1);
        }
        gauge(t, "fault_injection_run_error_ratio", "Error ratio 0..1 of the phase.");
        for (Phase p : r.phases()) {
            sample(t, "fault_injection_run_error_ratio", Map.of("phase", p.name()), p.errorRatio());
        }
        gauge(t, "fault_injection_run_p99_milliseconds", "Client-side P99 latency of the phase in milliseconds.");
        for (Phase p : r.phases()) {
            sample(t, "fault_injection_run_p99_milliseconds", Map.of("phase", p.name()), p.clientP99Ms());
        }
        if (r.cleanup() != null) {
            gauge(t, "fault_injection_cleanup_ok", "1 once every touched VirtualService was found removed or restored.");
            sample(t, "fault_injection_cleanup_ok", Map.of(), r.cleanup().faultsRemoved() ? 1 : 0);
        }
        gauge(t, "fault_injection_last_run_timestamp_seconds", "Unix time in seconds the run ended.");
        sample(t, "fault_injection_last_run_timestamp_seconds", Map.of(), r.end().toEpochMilli() / 1000.0);
        return t.toString();
    }

    private static String result(RunReport r, Expectation e) {
        if (r.abortedOnBreach() != null && e.verdict() == Verdict.INCONCLUSIVE) {
            return "aborted";
        }
        return e.verdict().name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static void gauge(StringBuilder t, String name, String help) {
        t.append("# HELP ").append(name).append(' ').append(help).append('\n');
        t.append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void sample(StringBuilder t, String name, Map<String, String> labels, double value) {
        t.append(name);
        if (!labels.isEmpty()) {
            t.append('{');
            String sep = "";
            for (Map.Entry<String, String> l : labels.entrySet()) {
                t.append(sep).append(l.getKey()).append("=\"").append(escapeLabel(l.getValue())).append('"');
                sep = ",";
            }
            t.append('}');
        }
        t.append(' ').append(value(value)).append('\n');
    }

    static String escapeLabel(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
