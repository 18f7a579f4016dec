package io.k1s0.fault.junit;

import io.k1s0.fault.environment.EnvironmentKind;
import io.k1s0.fault.environment.K3sEnvironment;
import io.k1s0.fault.environment.LocalEnvironment;
import io.k1s0.fault.environment.MeshEnvironment;
import io.k1s0.fault.environment.MeshEnvironments;
import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.localmesh.WorkloadSpec;
import io.k1s0.fault.metrics.MetricsSource;
import io.k1s0.fault.metrics.PrometheusApiSource;
import io.k1s0.fault.metrics.ScrapeSource;
import io.k1s0.fault.metrics.Selector;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.opentest4j.TestAbortedException;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Everything that lives for one test run: the mesh environment, the run ID, the fault installer, the metrics
 * source and the shutdown hook that removes faults on SIGTERM. Held in the root store, so the engine closes it
 * after the last class.
 */
final class MeshRun implements AutoCloseable {

    /** Configuration parameter: a class implementing {@code Supplier<MeshEnvironment>} to use instead of the built-in kinds. */
    static final String ENVIRONMENT_FACTORY_PARAMETER = "fault.harness.environment.factory";
    /** Configuration parameter: how long an installed fault may live before the sweeper removes it. */
    static final String FAULT_TTL_PARAMETER = "fault.harness.fault.ttl";
    /** Configuration parameter: most failure dumps written per run. */
    static final String DUMP_LIMIT_PARAMETER = "fault.harness.dump.limit";

    private static final Logger LOG = LoggerFactory.getLogger(MeshRun.class);
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private final MeshEnvironment environment;
    private final String runId;
    private final FaultInstaller installer;
    private final Optional<MetricsSource> metrics;
    private final ShutdownCleanup shutdownCleanup;
    private final Duration faultTtl;
    private final int dumpLimit;
    private final AtomicInteger dumps = new AtomicInteger();

    private MeshRun(MeshEnvironment environment, String runId, Duration faultTtl, int dumpLimit) {
        this.environment = environment;
        this.runId = runId;
        this.installer = new FaultInstaller(environment.client(), runId, "junit/" + runId, Clock.systemUTC());
        this.metrics = metricsOf(environment);
        this.shutdownCleanup = ShutdownCleanup.register(installer);
        this.faultTtl = faultTtl;
        this.dumpLimit = dumpLimit;
    }

    /**
     * Starts the environment the configuration names.
     *
     * @param origin where the topology location was written, for messages
     */
    static MeshRun start(ExtensionContext context, String origin, String workloadsLocation) {
        Duration ttl = context.getConfigurationParameter(FAULT_TTL_PARAMETER, v -> parseTtl(v)).orElse(DEFAULT_TTL);
        int dumpLimit = context.getConfigurationParameter(DUMP_LIMIT_PARAMETER, MeshRun::parseLimit).orElse(20);
        Optional<String> factory = context.getConfigurationParameter(ENVIRONMENT_FACTORY_PARAMETER).filter(f -> !f.isBlank());
        MeshEnvironment environment = factory.isPresent() ? fromFactory(factory.get())
                : startEnvironment(kind(), origin, workloadsLocation);
        String runId = "junit-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            MeshRun run = new MeshRun(environment, runId, ttl, dumpLimit);
            LOG.info("mesh run {} on environment {}; resources it applies carry label {}={}", runId, environment.name(),
                    io.k1s0.fault.api.Mesh.RUN_ID_LABEL, runId);
            return run;
        } catch (RuntimeException e) {
            environment.close();
            throw e;
        }
    }

    MeshEnvironment environment() {
        return environment;
    }

    String runId() {
        return runId;
    }

    FaultInstaller installer() {
        return installer;
    }

    ShutdownCleanup shutdownCleanup() {
        return shutdownCleanup;
    }

    Duration faultTtl() {
        return faultTtl;
    }

    Optional<MetricsSource> metrics() {
        return metrics;
    }

    /** True while fewer than the configured number of failure dumps were written; counts this one. */
    boolean mayDump() {
        return dumps.incrementAndGet() <= dumpLimit;
    }

    /** The workloads of a local mesh, else empty (the environment knows its own). */
    List<WorkloadSpec> localWorkloads() {
        return environment instanceof LocalEnvironment local ? local.workloads() : List.of();
    }

    @Override
    public void close() {
        try {
            shutdownCleanup.removeAllNow();
            shutdownCleanup.unregister();
        } finally {
            environment.close();
            LOG.info("mesh run {} closed", runId);
        }
    }

    private static EnvironmentKind kind() {
        try {
            return EnvironmentKind.fromProperty();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@MeshFaultTest environment: " + e.getMessage(), e);
        }
    }

    private static MeshEnvironment startEnvironment(EnvironmentKind kind, String origin, String workloadsLocation) {
        requireDocker(kind, () -> DockerClientFactory.instance().isDockerAvailable());
        return MeshEnvironments.start(kind, () -> topology(kind, origin, workloadsLocation));
    }

    /**
     * Disabled with reason {@code Docker is not available} when the run would start k3s without Docker; the
     * environment factory parameter and unparseable kinds are left to {@link #start} (which reports the latter).
     */
    static ConditionEvaluationResult dockerCondition(ExtensionContext context, BooleanSupplier dockerAvailable) {
        boolean factory = context.getConfigurationParameter(ENVIRONMENT_FACTORY_PARAMETER).filter(f -> !f.isBlank()).isPresent();
        return dockerCondition(factory, EnvironmentKind::fromProperty, dockerAvailable);
    }

    static ConditionEvaluationResult dockerCondition(boolean factoryConfigured, Supplier<EnvironmentKind> kind,
            BooleanSupplier dockerAvailable) {
        if (factoryConfigured) {
            return ConditionEvaluationResult.enabled("environment from the factory parameter");
        }
        EnvironmentKind resolved;
        try {
            resolved = kind.get();
        } catch (IllegalArgumentException e) {
            return ConditionEvaluationResult.enabled("environment kind reported when the mesh starts");
        }
        return resolved == EnvironmentKind.K3S && !dockerAvailable.getAsBoolean()
                ? ConditionEvaluationResult.disabled("Docker is not available")
                : ConditionEvaluationResult.enabled("mesh environment can start");
    }

    /** k3s runs in a container: without Docker the run is skipped with the reason, not failed. */
    static void requireDocker(EnvironmentKind kind, BooleanSupplier dockerAvailable) {
        if (kind == EnvironmentKind.K3S) {
            Assumptions.assumeTrue(dockerAvailable.getAsBoolean(), "Docker is not available");
        }
    }

    /** k3s runs the named topology too; without one it runs its example chain, so only local requires it. */
    static List<WorkloadSpec> topology(EnvironmentKind kind, String origin, String workloadsLocation) {
        return kind != EnvironmentKind.LOCAL && workloadsLocation.isEmpty() ? List.of() : workloads(origin, workloadsLocation);
    }

    private static List<WorkloadSpec> workloads(String origin, String location) {
        if (location.isEmpty()) {
            throw new ExtensionConfigurationException(origin + ": workloads is ''; allowed: classpath:<file> or file:<path>"
                    + " naming the local mesh's topology (required when " + EnvironmentKind.PROPERTY + " is local)");
        }
        return Topology.read(origin, location);
    }

    @SuppressWarnings("unchecked")
    private static MeshEnvironment fromFactory(String className) {
        try {
            Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            if (!Supplier.class.isAssignableFrom(type)) {
                throw new ExtensionConfigurationException("configuration parameter " + ENVIRONMENT_FACTORY_PARAMETER + " is '"
                        + className + "', which is not a Supplier; allowed: a class implementing Supplier<MeshEnvironment>");
            }
            var constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            Object environment = ((Supplier<Object>) constructor.newInstance()).get();
            if (!(environment instanceof MeshEnvironment mesh)) {
                throw new ExtensionConfigurationException("configuration parameter " + ENVIRONMENT_FACTORY_PARAMETER + " is '"
                        + className + "', which supplied " + environment + "; allowed: a Supplier<MeshEnvironment>");
            }
            return mesh;
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new ExtensionConfigurationException("configuration parameter " + ENVIRONMENT_FACTORY_PARAMETER + " is '"
                    + className + "', which cannot be loaded (" + e + "); allowed: a class with a no-argument constructor", e);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("environment factory " + className + " failed", e);
        }
    }

    private static Duration parseTtl(String text) {
        try {
            return Validation.duration("configuration parameter " + FAULT_TTL_PARAMETER, text.trim());
        } catch (ExtensionConfigurationException e) {
            throw new ExtensionConfigurationException("configuration parameter " + FAULT_TTL_PARAMETER + " is '" + text
                    + "'; allowed: " + Validation.DURATION_ALLOWED);
        }
    }

    private static int parseLimit(String text) {
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 0) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed values
        }
        throw new ExtensionConfigurationException("configuration parameter " + DUMP_LIMIT_PARAMETER + " is '" + text
                + "'; allowed: a whole number, 0 or more");
    }

    private static Optional<MetricsSource> metricsOf(MeshEnvironment environment) {
        if (environment.prometheus().isPresent()) {
            return Optional.of(new PrometheusApiSource(environment.prometheus().get(), Selector.all(), Selector.all(),
                    Duration.ofSeconds(90)));
        }
        if (!environment.sidecarMetricsEndpoints().isEmpty()) {
            return Optional.of(new ScrapeSource("mesh", environment.sidecarMetricsEndpoints(), Duration.ofSeconds(5)));
        }
        LOG.warn("environment {} has neither Prometheus nor sidecar endpoints: fault windows cannot be judged",
                environment.name().toLowerCase(Locale.ROOT));
        return Optional.empty();
    }

    /**
     * The root-store entry: the run, or the failure that prevented it. A failed start is kept so that every class
     * gets the same error at once instead of starting the mesh again.
     */
    static final class Slot implements AutoCloseable {
        private final MeshRun run;
        private final RuntimeException failure;
        private final String workloadsLocation;

        private Slot(MeshRun run, RuntimeException failure, String workloadsLocation) {
            this.run = run;
            this.failure = failure;
            this.workloadsLocation = workloadsLocation;
        }

        static Slot start(ExtensionContext context, String origin, String workloadsLocation) {
            try {
                return new Slot(MeshRun.start(context, origin, workloadsLocation), null, workloadsLocation);
            } catch (TestAbortedException e) {
                LOG.warn("mesh not started: {}; every @MeshFaultTest class of this run is skipped", e.getMessage());
                return new Slot(null, e, workloadsLocation);
            } catch (RuntimeException e) {
                LOG.error("mesh did not start; every @MeshFaultTest class of this run fails with the same error", e);
                return new Slot(null, e, workloadsLocation);
            }
        }

        /**
         * @throws RuntimeException the start failure, when the mesh did not start
         * @throws ExtensionConfigurationException when this class names another topology than the one the run started with
         */
        MeshRun run(String origin, String workloadsLocation) {
            if (failure != null) {
                throw failure;
            }
            boolean startedFromTopology = run.environment() instanceof LocalEnvironment
                    || run.environment() instanceof K3sEnvironment;
            if (!workloadsLocation.isEmpty() && !workloadsLocation.equals(this.workloadsLocation) && startedFromTopology) {
                throw new ExtensionConfigurationException(origin + ": workloads is '" + workloadsLocation + "'; allowed: '"
                        + this.workloadsLocation + "' (the " + run.environment().name()
                        + " mesh of this test run was started from it; one topology per run)");
            }
            return run;
        }

        @Override
        public void close() {
            if (run != null) {
                run.close();
            }
        }
    }
}
