package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.report.DeliveryResult;
import io.k1s0.fault.report.GrafanaAnnotations;
import io.k1s0.fault.report.HttpSettings;
import io.k1s0.fault.report.PushgatewayClient;
import io.k1s0.fault.report.ReportFiles;
import io.k1s0.fault.report.RunReport;
import io.k1s0.fault.report.Secret;
import io.k1s0.fault.report.TeamsNotifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The run's feeds to the platform: a Grafana annotation for the fault window (POST at start, PATCH at end), the
 * summary PUT to the Pushgateway and one Teams card, each only when the experiment configures it. A failed
 * delivery is printed and never stops the run or its cleanup.
 */
final class Feeds {

    static final String DASHBOARD_UID = "fault-injection-results";

    private final Experiment.Reporting reporting;
    private final PrintWriter out;
    private final Map<String, String> env;
    private final HttpSettings http = HttpSettings.defaults();
    private Optional<GrafanaAnnotations> grafana = Optional.empty();
    private OptionalLong annotation = OptionalLong.empty();

    Feeds(Experiment.Reporting reporting, PrintWriter out, Map<String, String> env) {
        this.reporting = reporting;
        this.out = out;
        this.env = env;
    }

    /** Opens the Grafana annotation when a Grafana URL and token are configured. */
    void faultsOn(String runId, String experiment, Instant at) {
        if (reporting.grafana() == null || reporting.grafana().url() == null) {
            return;
        }
        try {
            GrafanaAnnotations g = new GrafanaAnnotations(reporting.grafana().url(), secret(reporting.grafana().tokenSecret()),
                    DASHBOARD_UID, http);
            GrafanaAnnotations.Started started = g.start(runId, experiment, at);
            grafana = Optional.of(g);
            annotation = started.id();
            print(started.result());
        } catch (RuntimeException e) {
            out.println("grafana: not annotated: " + e.getMessage());
        }
    }

    void faultsOff(Instant at) {
        if (grafana.isPresent() && annotation.isPresent()) {
            print(grafana.get().end(annotation.getAsLong(), at));
        }
    }

    /** Pushgateway and Teams, after the reports are written. */
    void finish(RunReport report, Path reportDir) {
        if (reporting.pushgateway() != null && reporting.pushgateway().url() != null) {
            try {
                // job alone as grouping key (grafana/README.md): each weekly PUT replaces the last; the experiment
                // name is a label of fault_injection_run_info, not a group that would outlive a rename forever.
                print(new PushgatewayClient(reporting.pushgateway().url(), Map.of(), http).push(report));
            } catch (RuntimeException e) {
                out.println("pushgateway: not pushed: " + e.getMessage());
            }
        }
        if (reporting.teams() != null) {
            try {
                List<RunReport> previous = ReportFiles.previousRuns(reportDir, report.experiment(), report.runId(), 4);
                print(new TeamsNotifier(secret(reporting.teams().webhookSecret()), http).post(report, previous));
            } catch (RuntimeException e) {
                out.println("teams: not posted: " + e.getMessage());
            }
        }
        out.flush();
    }

    private Secret secret(Experiment.SecretRef ref) {
        if (ref == null) {
            throw new IllegalArgumentException("no secret configured");
        }
        if (ref.env() != null) {
            String value = env.get(ref.env());
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("environment variable " + ref.env() + " is unset or blank");
            }
            return Secret.of(ref.env(), value);
        }
        return Secret.fromFile(Path.of(ref.file()));
    }

    private void print(DeliveryResult r) {
        out.printf("%s: %s (HTTP %d, %d attempt(s))%s%n", r.target(), r.ok() ? "delivered" : "FAILED", r.status(),
                r.attempts(), r.ok() || r.message() == null ? "" : ": " + r.message());
        out.flush();
    }
}
