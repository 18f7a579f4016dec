package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.DelayFault;
import io.k1s0.fault.api.HeaderMatch;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.api.MeshWindow;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Misuse fails before anything is applied, with a message naming annotation, attribute, value and what is allowed. */
@ExtendWith(SharedMesh.PerClassWithoutLeftovers.class)
class MisconfigurationTest {

    private static final String NS = "k1s0-service";

    @Test
    void aPercentOutsideZeroToHundredIsRejectedWithTheAllowedRange() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(PercentCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@AbortFault on PercentCase.aborts(): percent is 120; allowed: 0 to 100");
        assertThat(faultedVirtualServices()).as("VirtualServices with faults after the run").isZero();
    }

    @Test
    void aDurationWithoutAUnitOrWithASpaceIsRejected() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(DurationCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@DelayFault on DurationCase.delays(): fixedDelay is '500 ms'; allowed: a duration like 500ms, "
                        + "1.5s, 2m or 1h (units ms, s, m, h), at least 1ms");
    }

    @Test
    void twoDelaysForOneHostOnOneMethodConflict() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(TwoDelaysCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@DelayFault on TwoDelaysCase.delays(): two @DelayFault for host order-server.k1s0-service "
                        + "(500ms at 10 % and 1s at 5 %); allowed: at most one @DelayFault per host and header scope");
    }

    @Test
    void aMethodFaultConflictingWithAClassFaultOnTheSameHostIsRejected() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(ClassAndMethodAbortCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@AbortFault on ClassAndMethodAbortCase.aborts(): two @AbortFault for host order-server.k1s0-service "
                        + "(503 at 5 % and 500 at 1 %); allowed: at most one @AbortFault per host and header scope");
    }

    @Test
    void aFaultOnAHostWithoutServiceNamesTheServicesThatExistAndInstallsNothing() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(NoServiceCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@AbortFault on NoServiceCase.aborts(): host is 'orders' in namespace 'k1s0-service', which has no "
                        + "Service; allowed: one of [order-bff, order-server, payment-server]");
        assertThat(faultedVirtualServices()).as("VirtualServices with faults after the run").isZero();
    }

    @Test
    void aHeaderMatchSettingTwoKindsIsRejected() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(HeaderCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@AbortFault on HeaderCase.aborts(): when (header 'x-canary') sets 2 of exact, prefix, regex "
                        + "(exact='true', prefix='t', regex=''); allowed: exactly one of exact, prefix, regex");
    }

    @Test
    void aResourceWithoutSchemeIsRejectedBeforeAnyResourceIsApplied() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(NoSchemeCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@MeshResource on NoSchemeCase: value is 'junit/payment-server-vs.yaml', which has no scheme; "
                        + "allowed: classpath:<resource> or file:<path>");
        assertThat(SharedMesh.virtualService("order-server")).as("the valid resource declared first (cleanup NEVER)").isEmpty();
    }

    @Test
    void aMissingClasspathResourceIsRejected() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(MissingResourceCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@MeshResource on MissingResourceCase: value is 'classpath:junit/missing.yaml', which is not on "
                        + "the class path; allowed: classpath:<resource> naming an existing resource, or file:<path>");
    }

    @Test
    void aMissingFileIsRejectedWithThePathItResolvedTo() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(MissingFileCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@MeshResource on MissingFileCase: value is 'file:no/such/dir.yaml', which does not "
                        + "exist (resolved to /")
                .hasMessageEndingWith("no/such/dir.yaml); allowed: file:<path> naming an existing file or directory, or "
                        + "classpath:<resource>");
    }

    @Test
    void aResourceThatIsNotKubernetesYamlIsRejected() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(BrokenYamlCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@MeshResource on BrokenYamlCase: value is 'classpath:junit/broken.yaml', and "
                        + "classpath:junit/broken.yaml is not valid Kubernetes YAML (")
                .hasMessageEndingWith("); allowed: Kubernetes, Istio or Flagger resources, multi-document YAML");
    }

    @Test
    void anUnknownCleanupParameterValueNamesTheAllowedModes() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(Map.of("fault.harness.cleanup", "sometimes"), DefaultCleanupCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("configuration parameter fault.harness.cleanup is 'sometimes'; allowed: ALWAYS, ON_SUCCESS, NEVER");
    }

    @Test
    void aFaultWindowAskedForOutsideATestMethodPointsToOpenWindow() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(WindowInBeforeEachCase.class));

        assertThat(failure).isInstanceOf(ParameterResolutionException.class)
                .hasMessage("MeshWindow is the test's fault window and is injected into test methods only, not into "
                        + "before(); elsewhere use mesh.openWindow(caller, target)");
    }

    @Test
    void aLocalMeshWithoutTopologyNamesTheMissingAttribute() {
        EngineExecutionResults results = org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
                .configurationParameter(MeshRun.ENVIRONMENT_FACTORY_PARAMETER, "")
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(NoTopologyCase.class))
                .execute();

        assertThat(Failures.only(results)).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@MeshFaultTest on NoTopologyCase: workloads is ''; allowed: classpath:<file> or file:<path> naming "
                        + "the local mesh's topology (required when mesh.environment is local)");
    }

    private static long faultedVirtualServices() {
        return SharedMesh.client().resources(VirtualService.class).inAnyNamespace().list().getItems().stream()
                .filter(vs -> vs.getMetadata().getLabels() != null && vs.getMetadata().getLabels().containsKey("fault.k1s0.io/run-id"))
                .count();
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class PercentCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 120, httpStatus = 503)
        void aborts() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class DurationCase {
        @Test
        @DelayFault(host = "order-server", namespace = NS, percent = 10, fixedDelay = "500 ms")
        void delays() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class TwoDelaysCase {
        @Test
        @DelayFault(host = "order-server", namespace = NS, percent = 10, fixedDelay = "500ms")
        @DelayFault(host = "order-server", namespace = NS, percent = 5, fixedDelay = "1s")
        void delays() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @AbortFault(host = "order-server", namespace = NS, percent = 5, httpStatus = 503)
    static class ClassAndMethodAbortCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 1, httpStatus = 500)
        void aborts() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class NoServiceCase {
        @Test
        @AbortFault(host = "orders", namespace = NS, percent = 5, httpStatus = 503)
        void aborts() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class HeaderCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 5, httpStatus = 503,
                when = @HeaderMatch(name = "x-canary", exact = "true", prefix = "t"))
        void aborts() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml", cleanup = CleanupMode.NEVER)
    @MeshResource("classpath:junit/order-server-vs.yaml")
    @MeshResource("junit/payment-server-vs.yaml")
    static class NoSchemeCase {
        @Test
        void test() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/missing.yaml")
    static class MissingResourceCase {
        @Test
        void test() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("file:no/such/dir.yaml")
    static class MissingFileCase {
        @Test
        void test() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/broken.yaml")
    static class BrokenYamlCase {
        @Test
        void test() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class DefaultCleanupCase {
        @Test
        void test() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class WindowInBeforeEachCase {
        @BeforeEach
        void before(MeshWindow window) {
        }

        @Test
        void test() {
        }
    }

    @MeshFaultTest
    static class NoTopologyCase {
        @Test
        void test() {
        }
    }
}
