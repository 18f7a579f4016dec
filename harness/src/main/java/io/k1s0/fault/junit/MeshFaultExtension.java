package io.k1s0.fault.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.DelayFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.verdict.Ratio;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;
import org.junit.platform.commons.support.AnnotationSupport;
import org.testcontainers.DockerClientFactory;

/**
 * The JUnit 5 extension behind {@link MeshFaultTest}. Test authors use the annotation; this class is public
 * only because {@code @ExtendWith} and {@code @RegisterExtension} need it. The programmatic form:
 *
 * <pre>{@code
 * @RegisterExtension
 * static MeshFaultExtension mesh = MeshFaultExtension.builder()
 *         .workloads("classpath:k1s0-topology.yaml")
 *         .resource("classpath:routing/order-server.yaml")
 *         .cleanup(CleanupMode.ON_SUCCESS)
 *         .abort("order-server", "k1s0-service", 5, 503)       // for every test of the class
 *         .build();
 * }</pre>
 *
 * The field must be static: the mesh and the class's resources are set up before any test instance exists.
 *
 * <p>Lifecycle: the mesh starts once per run (root store), {@code @MeshResource}s are applied per class (class
 * store, removed per {@link CleanupMode}), faults are installed after {@code @BeforeEach} and removed right after
 * the test body, also when it failed. State lives only in the stores, so classes may run in parallel.
 */
public final class MeshFaultExtension implements BeforeAllCallback, AfterAllCallback, BeforeTestExecutionCallback,
        AfterTestExecutionCallback, ParameterResolver, ExecutionCondition {

    private static final Namespace NAMESPACE = Namespace.create(MeshFaultExtension.class);
    private static final String BUILDER = "MeshFaultExtension.builder()";

    private final Optional<MeshOptions> programmatic;

    /** Used by {@code @ExtendWith}: options come from the test class's annotations. */
    MeshFaultExtension() {
        this.programmatic = Optional.empty();
    }

    private MeshFaultExtension(MeshOptions options) {
        this.programmatic = Optional.of(options);
    }

    /** Starts the programmatic form; see the class comment. */
    public static Builder builder() {
        return new Builder();
    }

    /** Skips, with the reason, every class of a k3s run on a machine without Docker (the mesh cannot start). */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return MeshRun.dockerCondition(context, () -> DockerClientFactory.instance().isDockerAvailable());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        MeshOptions options = options(context);
        String origin = programmatic.isPresent() ? BUILDER : Declarations.classOrigin("@MeshFaultTest", context);
        String resourceOrigin = programmatic.isPresent() ? BUILDER + ".resource(...)" : Declarations.classOrigin("@MeshResource", context);
        options.resources().forEach(r -> Locations.check(resourceOrigin, "value", r));
        Validation.specs(options.classFaults());
        CleanupMode cleanup = cleanupMode(options.cleanup(), context);
        MeshRun run = run(context, origin, options.workloads());
        String testClass = context.getRequiredTestClass().getName();
        ClassResources resources = context.getStore(NAMESPACE).computeIfAbsent(ClassResources.class,
                k -> new ClassResources(run.environment(), run.runId(), testClass, cleanup), ClassResources.class);
        resources.apply(resourceOrigin, options.resources());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            classResources(context).ifPresent(ClassResources::markFailed);
        }
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        MeshRun run = existingRun(context);
        List<FaultDeclaration> declared = new ArrayList<>(programmatic.map(MeshOptions::classFaults)
                .orElseGet(() -> Declarations.classFaults(context)));
        declared.addAll(Declarations.methodFaults(context));
        List<FaultSpec> specs = Validation.specs(declared);
        requireServices(run.environment().client(), declared);
        TestRecord record = record(context);
        MethodFaults faults = new MethodFaults(run, specs);
        context.getStore(NAMESPACE).put(MethodFaults.class, faults);
        faults.installAll();
        MeshHandle mesh = new MeshHandle(run, Optional.of(record));
        Duration gateTimeout = context.getConfigurationParameter(FaultGate.TIMEOUT_PARAMETER,
                v -> Validation.duration("configuration parameter " + FaultGate.TIMEOUT_PARAMETER, v.trim()))
                .orElse(FaultGate.DEFAULT_TIMEOUT);
        record.gateSaw(new FaultGate(mesh, gateTimeout).awaitLive(specs));
        // Opened only when the test asks for it: a Prometheus source waits for a scrape to open a window.
        boolean wantsWindow = Arrays.asList(context.getRequiredTestMethod().getParameterTypes()).contains(MeshWindow.class);
        if (wantsWindow) {
            run.metrics().ifPresent(source -> WindowHandle.forTest(source, singleTarget(specs), configured(specs, true),
                    configured(specs, false), record));
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        MethodFaults faults = context.getStore(NAMESPACE).get(MethodFaults.class, MethodFaults.class);
        TestRecord record = record(context);
        Optional<Throwable> failure = context.getExecutionException();
        MeshRun run = existingRun(context);
        if (failure.isPresent()) {
            classResources(context).ifPresent(ClassResources::markFailed);
            if (run.mayDump()) {
                Path root = Path.of(context.getConfigurationParameter(FailureArtifacts.DIRECTORY_PARAMETER)
                        .orElse(FailureArtifacts.DEFAULT_DIRECTORY));
                FailureArtifacts.write(root, context.getRequiredTestClass().getName(), context.getRequiredTestMethod().getName()
                                + displaySuffix(context), failure.get(), run.environment().client(),
                        classResources(context).map(ClassResources::applied).orElse(List.of()),
                        faults == null ? List.of() : faults.specs(), record);
            }
        }
        if (faults != null) {
            faults.removeAll();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Mesh.class || type == MeshWindow.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        MeshRun run = existingRun(context);
        Optional<TestRecord> record = context.getTestMethod().map(m -> record(context));
        if (parameter.getParameter().getType() == Mesh.class) {
            return new MeshHandle(run, record);
        }
        boolean inTestMethod = context.getTestMethod().map(m -> m.equals(parameter.getDeclaringExecutable())).orElse(false);
        if (!inTestMethod) {
            throw new ParameterResolutionException("MeshWindow is the test's fault window and is injected into test methods "
                    + "only, not into " + parameter.getDeclaringExecutable().getName() + "(); elsewhere use "
                    + "mesh.openWindow(caller, target)");
        }
        return record.flatMap(TestRecord::window).orElseThrow(() -> new ParameterResolutionException(
                "no fault window: environment " + run.environment().name() + " has neither Prometheus nor sidecar metrics endpoints"));
    }

    private MeshOptions options(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        boolean annotated = AnnotationSupport.findAnnotation(testClass, MeshFaultTest.class, context.getEnclosingTestClasses()).isPresent();
        if (programmatic.isPresent()) {
            if (annotated) {
                throw new ExtensionConfigurationException(testClass.getSimpleName() + " has both @MeshFaultTest and a "
                        + "@RegisterExtension MeshFaultExtension; allowed: one of them");
            }
            return programmatic.get();
        }
        boolean registered = AnnotationSupport.findAnnotatedFields(testClass, RegisterExtension.class).stream()
                .anyMatch(f -> MeshFaultExtension.class.isAssignableFrom(f.getType()));
        if (registered) {
            throw new ExtensionConfigurationException(testClass.getSimpleName() + " has both @MeshFaultTest and a "
                    + "@RegisterExtension MeshFaultExtension; allowed: one of them");
        }
        return Declarations.fromAnnotations(context);
    }

    private static MeshRun run(ExtensionContext context, String origin, String workloads) {
        MeshRun.Slot slot = context.getRoot().getStore(NAMESPACE).computeIfAbsent(MeshRun.Slot.class,
                k -> MeshRun.Slot.start(context, origin, workloads), MeshRun.Slot.class);
        return slot.run(origin, workloads);
    }

    private static MeshRun existingRun(ExtensionContext context) {
        MeshRun.Slot slot = context.getRoot().getStore(NAMESPACE).get(MeshRun.Slot.class, MeshRun.Slot.class);
        if (slot == null) {
            throw new ExtensionConfigurationException("MeshFaultExtension did not set up the mesh for "
                    + context.getRequiredTestClass().getSimpleName() + ": a @RegisterExtension MeshFaultExtension field must be "
                    + "static; allowed: a static field, or @MeshFaultTest on the class");
        }
        return slot.run("", "");
    }

    private static TestRecord record(ExtensionContext context) {
        return context.getStore(NAMESPACE).computeIfAbsent(TestRecord.class, k -> new TestRecord(), TestRecord.class);
    }

    private static Optional<ClassResources> classResources(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(NAMESPACE).get(ClassResources.class, ClassResources.class));
    }

    /** Annotation attribute, then the configuration parameter, then {@link CleanupMode#ALWAYS}. */
    static CleanupMode cleanupMode(CleanupMode declared, ExtensionContext context) {
        if (declared != CleanupMode.DEFAULT) {
            return declared;
        }
        return context.getConfigurationParameter(MeshFaultTest.CLEANUP_PARAMETER).map(String::trim).map(value -> Arrays
                        .stream(CleanupMode.values())
                        .filter(m -> m != CleanupMode.DEFAULT && m.name().equalsIgnoreCase(value))
                        .findFirst()
                        .orElseThrow(() -> new ExtensionConfigurationException("configuration parameter "
                                + MeshFaultTest.CLEANUP_PARAMETER + " is '" + value + "'; allowed: ALWAYS, ON_SUCCESS, NEVER")))
                .orElse(CleanupMode.ALWAYS);
    }

    /** Every faulted host must be a Service, checked before any fault is installed. */
    private static void requireServices(KubernetesClient client, List<FaultDeclaration> declared) {
        for (FaultDeclaration d : declared) {
            if (client.services().inNamespace(d.namespace()).withName(d.host()).get() == null) {
                throw new ExtensionConfigurationException(d.origin() + ": host is '" + d.host() + "' in namespace '"
                        + d.namespace() + "', which has no Service; allowed: one of " + MeshHandle.serviceNames(client, d.namespace()));
            }
        }
    }

    private static Optional<String> singleTarget(List<FaultSpec> specs) {
        Set<String> hosts = specs.stream().map(FaultSpec::service).collect(Collectors.toCollection(LinkedHashSet::new));
        return hosts.size() == 1 ? Optional.of(hosts.iterator().next()) : Optional.empty();
    }

    /** The configured abort (or delay) percent when exactly one fault of the test configures one. */
    private static Optional<Ratio> configured(List<FaultSpec> specs, boolean abort) {
        List<Double> percents = specs.stream()
                .map(s -> abort ? s.abort().map(FaultSpec.Abort::percent) : s.delay().map(FaultSpec.Delay::percent))
                .flatMap(Optional::stream).toList();
        return percents.size() == 1 ? Optional.of(Ratio.percent(percents.get(0))) : Optional.empty();
    }

    private static String displaySuffix(ExtensionContext context) {
        String display = context.getDisplayName();
        Method method = context.getRequiredTestMethod();
        return display.startsWith(method.getName() + "(") ? "" : "-" + display.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Serialises tests that fault the same host, across classes run in parallel; see {@link MeshFaultTest}. */
    public static final class FaultedHosts implements ResourceLocksProvider {

        @Override
        public Set<Lock> provideForClass(Class<?> testClass) {
            return locks(testClass);
        }

        @Override
        public Set<Lock> provideForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> testClass) {
            return locks(testClass);
        }

        @Override
        public Set<Lock> provideForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
            return locks(testMethod);
        }

        private static Set<Lock> locks(java.lang.reflect.AnnotatedElement element) {
            Set<Lock> locks = new LinkedHashSet<>();
            AnnotationSupport.findRepeatableAnnotations(element, DelayFault.class)
                    .forEach(d -> locks.add(lock(d.host(), d.namespace())));
            AnnotationSupport.findRepeatableAnnotations(element, AbortFault.class)
                    .forEach(a -> locks.add(lock(a.host(), a.namespace())));
            return locks;
        }

        private static Lock lock(String host, String namespace) {
            return new Lock("fault.k1s0.io/host:" + host + "." + namespace, ResourceAccessMode.READ_WRITE);
        }
    }

    /** Options of the {@code @RegisterExtension} form; {@link #build()} validates them. */
    public static final class Builder {
        private String workloads = "";
        private final List<String> resources = new ArrayList<>();
        private CleanupMode cleanup = CleanupMode.DEFAULT;
        private final List<FaultDeclaration> faults = new ArrayList<>();

        private Builder() {}

        /** The local mesh's topology, {@code classpath:…} or {@code file:…}; see {@link MeshFaultTest#workloads()}. */
        public Builder workloads(String location) {
            this.workloads = Objects.requireNonNull(location, "workloads location");
            return this;
        }

        /** A manifest applied for the class, as {@link io.k1s0.fault.api.MeshResource}. */
        public Builder resource(String location) {
            resources.add(Objects.requireNonNull(location, "resource location"));
            return this;
        }

        /** What to keep after the class, as {@link MeshFaultTest#cleanup()}. */
        public Builder cleanup(CleanupMode mode) {
            this.cleanup = Objects.requireNonNull(mode, "cleanup mode");
            return this;
        }

        /** A delay for every test of the class, as {@link DelayFault}. */
        public Builder delay(String host, String namespace, double percent, String fixedDelay) {
            faults.add(FaultDeclaration.delay(BUILDER + ".delay(...)", host, namespace, percent, fixedDelay, Optional.empty()));
            return this;
        }

        /** An abort for every test of the class, as {@link AbortFault}. */
        public Builder abort(String host, String namespace, double percent, int httpStatus) {
            faults.add(FaultDeclaration.abort(BUILDER + ".abort(...)", host, namespace, percent, httpStatus, Optional.empty()));
            return this;
        }

        /** Scopes the fault declared last to requests whose header {@code name} equals {@code exactValue}. */
        public Builder onlyWithHeader(String name, String exactValue) {
            if (faults.isEmpty()) {
                throw new IllegalStateException("onlyWithHeader(" + name + ", " + exactValue
                        + ") scopes the fault declared before it; declare delay(...) or abort(...) first");
            }
            int last = faults.size() - 1;
            faults.set(last, faults.get(last).withHeader(new FaultDeclaration.Header(name, exactValue, "", "")));
            return this;
        }

        /**
         * @throws ExtensionConfigurationException naming the option, the given value and the allowed values
         */
        public MeshFaultExtension build() {
            MeshOptions options = new MeshOptions(workloads, resources, cleanup, faults);
            options.resources().forEach(r -> Locations.check(BUILDER + ".resource(...)", "value", r));
            if (!workloads.isEmpty()) {
                Locations.check(BUILDER + ".workloads(...)", "workloads", workloads);
            }
            Validation.specs(options.classFaults());
            return new MeshFaultExtension(options);
        }
    }
}
