package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.experiment.ExperimentException;
import io.k1s0.fault.experiment.ExperimentLoader;
import io.k1s0.fault.experiment.StagingGuard;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fault-runner run}: one experiment end to end. */
@Command(name = "run", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Runs an experiment: validate, staging guard, sweep, baseline -> injection -> recovery, remove the",
            "faults, judge the expectations, write the reports (JSON, JUnit XML, Markdown, HTML).",
            "Faults are removed in a finally block and by a SIGTERM hook; they carry fault.k1s0.io/expires-at so the",
            "sweep at every start removes what a killed run (kill -9) left behind."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every expectation passed and the faults were removed",
            "1:an expectation failed or was inconclusive, or the injection was aborted on a breach",
            "2:bad input: experiment file invalid (one line per problem, nothing applied), unknown host, bad option",
            "3:refused by the staging guard (the reason is printed); nothing applied",
            "4:cleanup failed: a VirtualService still carries this run's faults (named on stderr)"})
final class RunCommand implements Callable<Integer> {

    /** Comma-separated extra kube contexts allowed besides the experiment's safety.allowedContexts. */
    static final String ALLOWED_CONTEXTS_ENV = "FAULT_RUNNER_ALLOWED_CONTEXTS";

    enum Environment { local, cluster }

    @Option(names = "--experiment", required = true, paramLabel = "FILE", description = "The experiment YAML (fault.k1s0.io/v1).")
    private Path experiment;

    @Option(names = "--environment", defaultValue = "local",
            description = "local (the embedded mesh with the bundled k1s0 topology and manifests/) or cluster "
                    + "(kubeconfig / in-cluster). Default: ${DEFAULT-VALUE}.")
    private Environment environment;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "Compress baseline/injection/recovery proportionally to this total, e.g. 2m.")
    private Duration duration;

    @Option(names = "--rate", paramLabel = "RPS", description = "Override spec.traffic.rate (requests per second).")
    private Double rate;

    @Option(names = "--dry-run", description = "Validate, check the staging guard and print the plan; never touches the cluster.")
    private boolean dryRun;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Report directory (default: spec.reporting.outputDir, else target/fault-reports).")
    private Path output;

    @Option(names = "--allow-context", paramLabel = "NAME",
            description = "Also allow this kube context (repeatable; env " + ALLOWED_CONTEXTS_ENV + ", comma-separated). "
                    + "For a standalone local-mesh (context local-mesh) in tests and demos.")
    private List<String> allowContexts = new ArrayList<>();

    @Option(names = "--vantage-proxy", paramLabel = "URI",
            description = "cluster only: the caller sidecar's outbound proxy when the runner is outside the mesh "
                    + "(a standalone local-mesh prints it). Default: none, requests leave through this pod's own sidecar.")
    private URI vantageProxy;

    @Option(names = "--metrics-endpoint", paramLabel = "URI",
            description = "cluster only: the caller sidecar's Prometheus stats (repeatable). "
                    + "Default: http://127.0.0.1:15090/stats/prometheus (this pod's sidecar).")
    private List<URI> metricsEndpoints = new ArrayList<>();

    @Option(names = "--manifests", paramLabel = "DIR", defaultValue = "manifests",
            description = "local only: the design's manifests applied to the embedded mesh (routing, tier-defaults, "
                    + "circuit-breakers). Default: ${DEFAULT-VALUE}.")
    private Path manifests;

    @Option(names = "--progress-interval", paramLabel = "D", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often the progress line is printed (at most 10s). Default: ${DEFAULT-VALUE}.")
    private Duration progressInterval;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve the run's live /metrics (fault active, phase, requests, errors, client P99, chaos_* "
                    + "metrics) on this port, all interfaces, while the run lasts (0 = a free port). Default: off.")
    private Integer metricsPort;

    @Option(names = "--run-id", paramLabel = "ID", description = "Run ID (1-20 of a-z, 0-9, '-'); default generated.")
    private String runId;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    RunCommand() {
        this(System.getenv());
    }

    RunCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (progressInterval.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--progress-interval: '" + progressInterval
                    + "' is not allowed; allowed: at most 10s");
        }
        if (rate != null && !(rate > 0 && rate <= 50_000)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate: '" + rate + "' is not allowed; allowed: 0 < rate <= 50000");
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-port: '" + metricsPort
                    + "' is not allowed; allowed: 0-65535");
        }
        Experiment loaded;
        try {
            loaded = withAllowedContexts(new ExperimentLoader().load(experiment));
        } catch (ExperimentException e) {
            err.println(e.getMessage());
            err.println("nothing was applied");
            err.flush();
            return ExperimentRun.BAD_INPUT;
        }
        RunSettings settings = new RunSettings(experiment, runId == null ? generatedRunId() : runId,
                Optional.ofNullable(duration), Optional.ofNullable(rate), outputDir(loaded), loaded.spec().safety().allowedContexts(),
                Optional.ofNullable(vantageProxy), metricsEndpoints.isEmpty()
                        ? List.of(URI.create("http://127.0.0.1:15090/stats/prometheus")) : metricsEndpoints,
                progressInterval, manifests, Optional.ofNullable(metricsPort));
        ExperimentRun run = new ExperimentRun(settings, loaded, out, err);
        StagingGuard guard = new StagingGuard();
        if (dryRun) {
            run.printPlan();
            if (environment == Environment.cluster) {
                StagingGuard.Decision d = guard.check(loaded, currentContext(), hostTargetCount(loaded));
                out.println(d.reason());
                out.flush();
                return d.allowed() ? ExperimentRun.PASSED : ExperimentRun.REFUSED;
            }
            out.println("dry run: nothing applied");
            out.flush();
            return ExperimentRun.PASSED;
        }
        if (environment == Environment.cluster) {
            // refuse before connecting when the context alone already decides it
            StagingGuard.Decision early = guard.check(loaded, currentContext(), hostTargetCount(loaded));
            if (!early.allowed()) {
                out.println(early.reason());
                out.flush();
                return ExperimentRun.REFUSED;
            }
        }
        try (MeshTarget mesh = environment == Environment.local ? MeshTarget.local(manifests)
                : MeshTarget.cluster(settings.vantageProxy(), settings.metricsEndpoints())) {
            ClassDataArchiveMark.meshUp();
            return run.execute(mesh, guard);
        }
    }

    private Optional<String> currentContext() {
        var context = io.fabric8.kubernetes.client.Config.autoConfigure(null).getCurrentContext();
        return context == null ? Optional.empty() : Optional.ofNullable(context.getName());
    }

    private static int hostTargetCount(Experiment e) {
        return (int) e.spec().targets().stream().filter(Experiment.Target::isHost).count();
    }

    private Path outputDir(Experiment e) {
        if (output != null) {
            return output;
        }
        String configured = e.spec().reporting().outputDir();
        return configured == null ? Path.of("target", "fault-reports") : Path.of(configured);
    }

    private Experiment withAllowedContexts(Experiment e) {
        LinkedHashSet<String> contexts = new LinkedHashSet<>(e.spec().safety().allowedContexts());
        contexts.addAll(allowContexts);
        String fromEnv = env.get(ALLOWED_CONTEXTS_ENV);
        if (fromEnv != null) {
            Arrays.stream(fromEnv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(contexts::add);
        }
        Experiment.Safety s = e.spec().safety();
        Experiment.Safety safety = new Experiment.Safety(s.abortOnOrganicErrorRate(), s.abortOnP99(), List.copyOf(contexts),
                s.allowedNamespaces(), s.maxServices());
        Experiment.Spec sp = e.spec();
        return new Experiment(e.apiVersion(), e.kind(), e.metadata(), new Experiment.Spec(sp.environment(), sp.targets(),
                sp.faults(), sp.phases(), sp.traffic(), sp.expectations(), safety, sp.reporting()));
    }

    /** {@code r} + base-36 seconds + 4 random base-36 characters: sortable, unique enough, 12 characters. */
    static String generatedRunId() {
        String random = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
        return "r" + Long.toString(Instant.now().getEpochSecond(), 36) + "-" + "0".repeat(4 - random.length()) + random;
    }
}
