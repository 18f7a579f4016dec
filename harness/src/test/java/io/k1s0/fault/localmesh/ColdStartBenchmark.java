package io.k1s0.fault.localmesh;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Cold start of API + control plane + 3 workloads, each in a fresh JVM launched the way {@code ./fault-runner}
 * launches one (a classpath of jars only): without and with the class-data-sharing archive the launcher records
 * on its first run. Each fresh JVM then applies a first VirtualService through {@link LocalMesh#client()}, as a
 * test does, and times until it is in force: work the start leaves for later shows up there. Part of
 * {@link SidecarHopBenchmark}'s table; run alone with
 * {@code java -cp <as there> io.k1s0.fault.localmesh.ColdStartBenchmark [runs]}.
 */
final class ColdStartBenchmark {
    private static final String NS = "bench";
    private static final String ONCE = "--once";
    private static final String RESULT = "cold-start-ms=";
    private static final String FIRST_CONFIG = "first-config-in-force-ms=";

    /** One fresh JVM: its start, and from its start until a first VirtualService was in force, in milliseconds. */
    record Once(double start, double untilFirstConfig) {}

    /** Fresh JVMs without and with the archive; medians in milliseconds. */
    record ColdStarts(List<Once> without, List<Once> with) {
        double withoutArchive() {
            return median(without.stream().map(Once::start).toList());
        }

        double withArchive() {
            return median(with.stream().map(Once::start).toList());
        }

        double withArchiveUntilFirstConfig() {
            return median(with.stream().map(Once::untilFirstConfig).toList());
        }

        static List<Long> rounded(List<Once> runs, java.util.function.ToDoubleFunction<Once> what) {
            return runs.stream().map(o -> Math.round(what.applyAsDouble(o))).toList();
        }
    }

    private ColdStartBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(ONCE)) {
            once();
            System.exit(0);   // the JVM writes a class-data archive at exit; nothing else runs after the mesh closed
        }
        ColdStarts c = measure(args.length > 0 ? Integer.parseInt(args[0]) : 3);
        System.out.printf(Locale.ROOT, "cold start, median of fresh JVMs: %.0f ms without the archive %s, %.0f ms with it %s;"
                        + " with it until a first VirtualService is in force %.0f ms %s%n",
                c.withoutArchive(), ColdStarts.rounded(c.without(), Once::start), c.withArchive(), ColdStarts.rounded(c.with(), Once::start),
                c.withArchiveUntilFirstConfig(), ColdStarts.rounded(c.with(), Once::untilFirstConfig));
    }

    /** Starts the 3-workload mesh, applies a VirtualService through the client tests get and waits until it is in force. */
    private static void once() {
        long t0 = System.nanoTime();
        try (LocalMesh mesh = threeWorkloads().start()) {
            long up = System.nanoTime();
            mesh.client().resource("""
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: server-a, namespace: bench}
                    spec:
                      hosts: [server-a]
                      http:
                      - timeout: 3s
                        route: [{destination: {host: server-a}}]
                    """).create();
            await("the first VirtualService in force").pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(30))
                    .until(() -> mesh.meshConfig().service(NS, "server-a")
                            .flatMap(s -> mesh.meshConfig().virtualService(NS, s)).isPresent());
            System.out.println(RESULT + Math.round((up - t0) / 1e6));
            System.out.println(FIRST_CONFIG + Math.round((System.nanoTime() - t0) / 1e6));
        }
    }

    /** Milliseconds from {@code start()} until the 3-workload mesh is ready; the mesh is closed afterwards. */
    static double startThreeWorkloads() {
        long t0 = System.nanoTime();
        try (LocalMesh mesh = threeWorkloads().start()) {
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static LocalMesh.Builder threeWorkloads() {
        return LocalMesh.builder()
                .workload(WorkloadSpec.of("client", NS))
                .workload(WorkloadSpec.of("server-a", NS))
                .workload(WorkloadSpec.of("server-b", NS));
    }

    static ColdStarts measure(int runs) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("cold-start-bench");
        try {
            String classpath = jarOnlyClasspath(work.resolve("probe.jar"));
            int jdk = Runtime.version().feature();
            Path archive = work.resolve(jdk >= 25 ? "bench.aot" : "bench.jsa");
            List<Once> without = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                without.add(runOnce(classpath, List.of()));
            }
            // As ./fault-runner does it on this JDK: record once, then map.
            List<String> useArchive;
            if (jdk >= 25) {
                runOnce(classpath, List.of("-XX:AOTCacheOutput=" + archive, "-Xlog:aot=off"));
                useArchive = List.of("-XX:AOTCache=" + archive, "-Xlog:aot=off");
            } else if (jdk >= 19) {
                useArchive = List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive);
                runOnce(classpath, useArchive);
            } else {
                runOnce(classpath, List.of("-XX:ArchiveClassesAtExit=" + archive));
                useArchive = List.of("-XX:SharedArchiveFile=" + archive);
            }
            if (!Files.isRegularFile(archive)) {
                throw new IllegalStateException("the recording run wrote no class-data archive at " + archive);
            }
            List<Once> with = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                with.add(runOnce(classpath, useArchive));
            }
            return new ColdStarts(without, with);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Once runOnce(String classpath, List<String> cdsOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(cdsOptions);
        cmd.addAll(LauncherJvmOptions.read());
        cmd.addAll(List.of("-Xlog:cds=off,cds+dynamic=off", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classpath, ColdStartBenchmark.class.getName(), ONCE));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("cold-start JVM failed: " + cmd + "\n" + out);
        }
        return new Once(result(out, RESULT, cmd), result(out, FIRST_CONFIG, cmd));
    }

    private static double result(String out, String key, List<String> cmd) {
        return out.lines().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> Double.parseDouble(l.substring(key.length())))
                .orElseThrow(() -> new IllegalStateException("no " + key + " line from " + cmd + "\n" + out));
    }

    /**
     * This JVM's classpath with its class directories packed into one jar: class-data sharing archives classes
     * from jars only, as the launcher's {@code -jar} classpath is.
     */
    private static String jarOnlyClasspath(Path probeJar) throws IOException {
        List<String> jars = new ArrayList<>();
        List<Path> directories = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Files.isDirectory(Path.of(entry))) {
                directories.add(Path.of(entry));
            } else if (entry.endsWith(".jar")) {
                jars.add(entry);
            }
        }
        Set<String> packed = new HashSet<>();
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(probeJar))) {
            for (Path dir : directories) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
                        if (packed.add(name)) {   // the first directory on the classpath wins, as it would
                            jar.putNextEntry(new JarEntry(name));
                            Files.copy(f, jar);
                            jar.closeEntry();
                        }
                    }
                }
            }
        }
        jars.add(0, probeJar.toString());
        return String.join(File.pathSeparator, jars);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
