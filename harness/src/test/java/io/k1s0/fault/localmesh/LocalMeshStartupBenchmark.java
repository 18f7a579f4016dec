package io.k1s0.fault.localmesh;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * On-demand benchmark (not part of the unit suite): start of API + control plane + 3 workloads, cold (first
 * in this JVM, with class loading) and warm, and heap used by a mesh of 10 workloads after a full GC.
 * Uses the test-only forwarding data plane; the numbers cover what this branch owns.
 *
 * <p>Run: {@code mvn -q -o -pl harness test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt} then
 * {@code java -cp harness/target/test-classes:harness/target/classes:$(cat harness/cp.txt) io.k1s0.fault.localmesh.LocalMeshStartupBenchmark}
 */
final class LocalMeshStartupBenchmark {
    private static final String NS = "bench";

    private LocalMeshStartupBenchmark() {}

    public static void main(String[] args) {
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            long t0 = System.nanoTime();
            try (LocalMesh mesh = TestMeshes.withForwardingDataPlane(LocalMesh.builder())
                    .workload(WorkloadSpec.of("client", NS))
                    .workload(WorkloadSpec.of("server-a", NS).withReplicas(2))
                    .workload(WorkloadSpec.of("server-b", NS))
                    .start()) {
                starts.add((System.nanoTime() - t0) / 1e6);
            }
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        long withMesh;
        LocalMesh.Builder ten = TestMeshes.withForwardingDataPlane(LocalMesh.builder());
        for (int i = 0; i < 10; i++) {
            ten.workload(WorkloadSpec.of("w" + i, NS));
        }
        try (LocalMesh mesh = ten.start()) {
            System.gc();
            withMesh = memory.getHeapMemoryUsage().getUsed();
        }
        System.out.println("| measurement | value | goal |");
        System.out.println("| --- | --- | --- |");
        System.out.printf(Locale.ROOT, "| start API + control plane + 3 workloads (4 replicas), cold | %.0f ms | < 1500 ms |%n", starts.get(0));
        System.out.printf(Locale.ROOT, "| same, warm (median of %d) | %.0f ms | < 1500 ms |%n", starts.size() - 1,
                starts.subList(1, starts.size()).stream().sorted().toList().get((starts.size() - 1) / 2));
        System.out.printf(Locale.ROOT, "| heap used with 10 workloads after GC (whole JVM) | %.1f MB | < 200 MB |%n", withMesh / 1048576.0);
        System.out.printf(Locale.ROOT, "| heap added by the 10-workload mesh | %.1f MB | |%n", (withMesh - before) / 1048576.0);
    }
}
