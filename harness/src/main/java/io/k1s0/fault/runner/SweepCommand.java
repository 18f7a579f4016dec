package io.k1s0.fault.runner;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k1s0.fault.istio.FaultSweeper;
import io.k1s0.fault.istio.SweptFault;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fault-runner sweep}: removes faults left by runs that are over. */
@Command(name = "sweep", mixinStandardHelpOptions = true, usageHelpWidth = 110,
        description = {"Removes faults left in the cluster (kubeconfig / in-cluster): those whose fault.k1s0.io/expires-at",
            "has passed, those whose owning Job is gone, and with --run-id every fault of that run. Prints each removal."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:sweep done (possibly nothing to remove)", "2:bad option (e.g. a malformed --run-id)"})
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--run-id", paramLabel = "ID", description = "Also remove every fault of this run, expired or not.")
    private String runId;

    @Option(names = "--no-orphans", negatable = false, description = "Do not remove faults whose owning Job is gone.")
    private boolean noOrphans;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            List<SweptFault> swept;
            try {
                swept = new FaultSweeper(client, Clock.systemUTC()).sweep(Optional.ofNullable(runId), !noOrphans);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--run-id: " + e.getMessage(), e);
            }
            print(out, swept);
            return 0;
        }
    }

    static void print(PrintWriter out, List<SweptFault> swept) {
        swept.forEach(s -> out.printf("removed run %s from VirtualService %s/%s (%s, %d route(s))%n", s.runId(),
                s.namespace(), s.virtualService(), s.reason(), s.routesRemoved()));
        out.printf("%d VirtualService(s) swept%n", swept.size());
        out.flush();
    }
}
