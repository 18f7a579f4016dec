package io.k1s0.fault.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes through the Jupiter engine with the shared mesh as environment. */
final class Engine {

    private Engine() {}

    static EngineExecutionResults runOnSharedMesh(Map<String, String> parameters, Class<?>... fixtures) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(MeshRun.ENVIRONMENT_FACTORY_PARAMETER, SharedMesh.Factory.class.getName())
                .configurationParameter(FaultGate.TIMEOUT_PARAMETER, "10s")
                .configurationParameters(parameters);
        for (Class<?> fixture : fixtures) {
            builder.selectors(selectClass(fixture));
        }
        return builder.execute();
    }

    static EngineExecutionResults runOnSharedMesh(Class<?>... fixtures) {
        return runOnSharedMesh(Map.of(), fixtures);
    }
}
