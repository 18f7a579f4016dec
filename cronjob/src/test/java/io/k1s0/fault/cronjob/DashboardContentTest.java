package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The panels the design and the metric-name contract (grafana/README.md) ask for are really there. */
class DashboardContentTest {

    private static JsonNode dashboard;

    @BeforeAll
    static void readDashboard() {
        dashboard = Json.readJson(ProjectFiles.dashboardJson());
    }

    private static List<String> exprs() {
        return DashboardQueries.raw(dashboard).stream().map(DashboardQueries.PanelQuery::expr).toList();
    }

    private static JsonNode panel(int id) {
        return DashboardQueries.panels(dashboard).stream().filter(p -> p.path("id").asInt() == id).findFirst()
                .orElseThrow(() -> new AssertionError("no panel " + id));
    }

    private static List<Double> thresholdValues(JsonNode panel) {
        List<Double> values = new ArrayList<>();
        for (JsonNode step : panel.path("fieldConfig").path("defaults").path("thresholds").path("steps")) {
            if (step.path("value").isNumber()) {
                values.add(step.path("value").asDouble());
            }
        }
        return values;
    }

    @Test
    void theVariablesAreDatasourceNamespaceServiceAndRun() {
        List<String> names = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        assertThat(names).as("template variables").contains("DS_PROMETHEUS", "namespace", "service", "run");
    }

    @Test
    void onlyTimeseriesAndStatPanelsAreUsed() {
        assertThat(DashboardQueries.panels(dashboard)).as("panel types (no Angular graph panel)")
                .allSatisfy(p -> assertThat(p.path("type").asText()).isIn("timeseries", "stat"));
    }

    @Test
    void errorRateSplitsInjectedFromOrganicAtTheSourceReporter() {
        JsonNode targets = panel(5).path("targets");
        assertThat(targets).as("error-rate targets").hasSize(3);
        assertThat(targets.get(1).path("expr").asText()).as("injected errors").contains("response_flags=~\".*FI.*\"");
        assertThat(targets.get(2).path("expr").asText()).as("organic errors").contains("response_flags!~\".*FI.*\"");
        assertThat(targets).as("every error-rate target")
                .allSatisfy(t -> assertThat(t.path("expr").asText()).contains("reporter=\"source\""));
        assertThat(panel(5).path("fieldConfig").path("defaults").path("unit").asText()).as("error-rate unit").isEqualTo("percentunit");
        assertThat(thresholdValues(panel(5))).as("error-rate threshold lines (1 %, 5 %)").containsExactly(0.01, 0.05);
        assertThat(panel(5).path("fieldConfig").path("defaults").path("custom").path("thresholdsStyle").path("mode").asText())
                .as("thresholds drawn as lines").isEqualTo("line");
    }

    @Test
    void p99ComesFromTheMeshHistogramBesideTheClientGauge() {
        JsonNode targets = panel(6).path("targets");
        assertThat(targets.get(0).path("expr").asText()).as("mesh P99")
                .startsWith("histogram_quantile(0.99,").contains("istio_request_duration_milliseconds_bucket")
                .contains("[$__rate_interval]");
        assertThat(targets.get(1).path("expr").asText()).as("client P99")
                .contains("fault_injection_client_latency_p99_milliseconds");
        assertThat(thresholdValues(panel(6))).as("P99 threshold lines (500 ms, 1000 ms)").containsExactly(500.0, 1000.0);
        assertThat(thresholdValues(panel(13))).as("run P99 threshold lines").containsExactly(500.0, 1000.0);
        assertThat(thresholdValues(panel(12))).as("run error-ratio threshold lines").containsExactly(0.01, 0.05);
    }

    @Test
    void ejectionsRetriesVerdictsAndChaosMetricsAreShown() {
        assertThat(String.join("\n", exprs())).as("all queries").contains(
                "increase(envoy_cluster_outlier_detection_ejections_enforced_total",
                "envoy_cluster_outlier_detection_ejections_active",
                "rate(envoy_cluster_upstream_rq_retry{",
                "rate(envoy_cluster_upstream_rq_retry_success{",
                "fault_injection_run_verdict{job=\"fault-injection-weekly\"}",
                "fault_injection_run_error_ratio{job=\"fault-injection-weekly\"}",
                "fault_injection_run_p99_milliseconds{job=\"fault-injection-weekly\"}",
                "fault_injection_run_info{job=\"fault-injection-weekly\"",
                "fault_injection_last_run_timestamp_seconds{job=\"fault-injection-weekly\"}",
                "chaos_experiment_total{", "chaos_experiment_duration_seconds{", "chaos_experiment_active",
                "chaos_fault_injected_total{", "chaos_slo_impact_ratio{");
        assertThat(panel(7).path("targets").get(0).path("expr").asText()).as("ejections per cluster")
                .startsWith("sum by (cluster_name)");
    }

    @Test
    void theFaultWindowIsMarkedByTheRunnerGaugeAndByTaggedAnnotations() {
        JsonNode annotations = dashboard.path("annotations").path("list");
        assertThat(annotations).as("annotation queries")
                .anySatisfy(a -> assertThat(a.path("expr").asText()).contains("fault_injection_active"))
                .anySatisfy(a -> assertThat(a.path("target").path("tags").toString()).isEqualTo("[\"fault-injection\"]"));
    }

    @Test
    void theRunReportIsLinkedFromTheRunPanelAndTheDashboard() {
        assertThat(panel(2).path("fieldConfig").path("defaults").path("links").get(0).path("url").asText())
                .as("data link of the run panel").isEqualTo("${__field.labels.report_url}");
        assertThat(dashboard.path("links").get(0).path("url").asText()).as("dashboard link").isEqualTo("${report_url}");
        assertThat(dashboard.path("templating").path("list")).as("hidden report_url variable")
                .anySatisfy(v -> assertThat(v.path("definition").asText())
                        .isEqualTo("label_values(fault_injection_run_info{job=\"fault-injection-weekly\", run_id=~\"$run\"}, report_url)"));
    }
}
