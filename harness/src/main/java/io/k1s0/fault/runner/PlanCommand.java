package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.experiment.ExperimentException;
import io.k1s0.fault.experiment.ExperimentLoader;
import io.k1s0.fault.experiment.TargetResolver;
import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.istio.VirtualServiceChange;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fault-runner plan FILE}: the VirtualService changes a run would make, read-only. */
@Command(name = "plan", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Prints the exact VirtualService changes the experiment's faults would make (CREATE with the full",
            "resource, UPDATE with the resulting resource, new lines marked '+'). Reads the cluster, writes nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:plan printed", "2:bad input: experiment invalid, unknown host, bad option"})
final class PlanCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The experiment YAML.")
    private Path experiment;

    @Option(names = "--environment", defaultValue = "local",
            description = "local (embedded mesh with the bundled topology and manifests/) or cluster (kubeconfig). Default: ${DEFAULT-VALUE}.")
    private RunCommand.Environment environment;

    @Option(names = "--manifests", paramLabel = "DIR", defaultValue = "manifests", description = "local only: manifests/ to apply first.")
    private Path manifests;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Experiment e;
        try {
            e = new ExperimentLoader().load(experiment);
        } catch (ExperimentException ex) {
            err.println(ex.getMessage());
            err.flush();
            return ExperimentRun.BAD_INPUT;
        }
        try (MeshTarget mesh = environment == RunCommand.Environment.local ? MeshTarget.local(manifests)
                : MeshTarget.cluster(Optional.empty(), List.of())) {
            List<TargetResolver.ResolvedTarget> targets;
            try {
                targets = new TargetResolver(mesh.client()).resolve(e, experiment.getFileName().toString());
            } catch (ExperimentException ex) {
                err.println(ex.getMessage());
                err.flush();
                return ExperimentRun.BAD_INPUT;
            }
            FaultInstaller installer = new FaultInstaller(mesh.client(), "plan", "plan", Clock.systemUTC());
            var ttl = e.spec().phases().injection().plus(e.spec().phases().recovery());
            for (TargetResolver.ResolvedTarget t : targets) {
                print(out, installer.plan(e.faultSpec(t.service(), t.namespace()), ttl));
            }
            out.printf("%d VirtualService change(s) planned for %d target service(s); nothing applied%n", targets.size(), targets.size());
            out.flush();
            return ExperimentRun.PASSED;
        }
    }

    static void print(PrintWriter out, VirtualServiceChange change) {
        out.printf("# %s VirtualService %s/%s%n", change.action(), change.namespace(), change.name());
        Set<String> before = new HashSet<>(change.beforeYaml().lines().toList());
        change.afterYaml().lines().forEach(line ->
                out.println((change.action() == VirtualServiceChange.Action.UPDATE && !before.contains(line) ? "+ " : "  ") + line));
    }
}
