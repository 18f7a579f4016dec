package io.k1s0.fault.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushgatewayPayloadTest {

    @Test
    void theSummaryUsesTheContractNamesAsGaugesWithoutTimestamps() {
        String text = PushgatewayPayload.render(SampleRuns.weekly("run-1"));
        assertThat(text).as("run info with the run id").contains(
                "fault_injection_run_info{run_id=\"run-1\",report_url=\"https://reports.example.test/runs/run-1.html\","
                        + "experiment=\"weekly-staging\",environment=\"staging\"} 1\n");
        assertThat(text).as("a P99 FAIL means no success").contains("fault_injection_run_success 0\n");
        assertThat(text).as("verdict per expectation").contains(
                "fault_injection_run_verdict{expectation=\"client P99 during injection stays under 1000 ms\",result=\"fail\"} 1\n")
                .contains("result=\"inconclusive\"} 1\n");
        assertThat(text).as("phase numbers").contains("fault_injection_run_p99_milliseconds{phase=\"injection\"} 560\n")
                .containsPattern("fault_injection_run_error_ratio\\{phase=\"injection\"} 0\\.05\\d+\n");
        assertThat(text).as("cleanup").contains("fault_injection_cleanup_ok 1\n");
        assertThat(text).as("end time in seconds").contains("fault_injection_last_run_timestamp_seconds " + SampleRuns.START.plusSeconds(300).getEpochSecond() + "\n");
        List<String> samples = text.lines().filter(l -> !l.startsWith("#")).toList();
        for (String line : samples) {
            String afterLabels = line.substring(line.lastIndexOf('}') + 1).trim();
            String value = line.contains("}") ? afterLabels : line.split(" ")[1];
            assertThat(value.split(" ")).as("no timestamp after the value in '%s'", line).hasSize(1);
        }
        assertThat(text.lines().filter(l -> l.startsWith("# TYPE")).toList()).as("every metric is a gauge")
                .allMatch(l -> l.endsWith(" gauge"));
    }

    @Test
    void anAbortedRunMarksItsUnjudgedExpectationsAborted() {
        RunReport r = SampleRuns.weeklyBuilder("run-2").abortedOnBreach(new RunReport.Breach(SampleRuns.START, "p99",
                1500, 1000, "P99 1500 ms > 1000 ms")).build();
        assertThat(PushgatewayPayload.render(r)).as("inconclusive becomes aborted").contains("result=\"aborted\"} 1\n")
                .doesNotContain("result=\"inconclusive\"");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(PushgatewayPayload.escapeLabel("a\"b\\c\nd")).as("escaped").isEqualTo("a\\\"b\\\\c\\nd");
    }

    @Test
    void theGroupingKeyIsTheJobAndNeverARunId() {
        PushgatewayClient plain = new PushgatewayClient(URI.create("http://127.0.0.1:9091/"), Map.of(), HttpSettings.defaults());
        assertThat(plain.groupUri()).as("job only").hasToString("http://127.0.0.1:9091/metrics/job/fault-injection-weekly");
        PushgatewayClient scenario = new PushgatewayClient(URI.create("http://127.0.0.1:9091"),
                Map.of("scenario", "abort/503"), HttpSettings.defaults());
        assertThat(scenario.groupUri().toString()).as("a slash in a value is base64url-encoded")
                .isEqualTo("http://127.0.0.1:9091/metrics/job/fault-injection-weekly/scenario@base64/YWJvcnQvNTAz");
        assertThatThrownBy(() -> new PushgatewayClient(URI.create("http://p"), Map.of("run_id", "x"), HttpSettings.defaults()))
                .hasMessageContaining("run_id").hasMessageContaining("no run id in the grouping key");
        assertThatThrownBy(() -> new PushgatewayClient(URI.create("http://p"), Map.of("job", "x"), HttpSettings.defaults()))
                .hasMessageContaining("other than job");
        assertThatThrownBy(() -> new PushgatewayClient(URI.create("pushgateway:9091"), Map.of(), HttpSettings.defaults()))
                .hasMessageContaining("pushgateway url is 'pushgateway:9091'");
    }

    @Test
    void promtoolAcceptsThePushedTextApartFromTheContractsMillisecondName() throws Exception {
        Path promtool = RealPrometheus.binary("promtool");
        assumeThat(promtool).as("promtool (Debian package prometheus) is not installed; skipping the lint").isNotNull();
        Path file = Files.createTempFile("push", ".txt");
        Files.writeString(file, PushgatewayPayload.render(SampleRuns.weekly("run-1")));
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        // grafana/README.md fixes fault_injection_run_p99_milliseconds; promtool prefers seconds. Nothing else may appear.
        List<String> problems = out.lines().filter(l -> !l.isBlank())
                .filter(l -> !l.equals("fault_injection_run_p99_milliseconds use base unit \"seconds\" instead of \"milliseconds\""))
                .toList();
        assertThat(problems).as("promtool check metrics (exit %d): %s", p.exitValue(), out).isEmpty();
    }
}
