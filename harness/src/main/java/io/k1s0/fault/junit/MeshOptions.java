package io.k1s0.fault.junit;

import io.k1s0.fault.api.CleanupMode;
import java.util.List;

/**
 * What one test class asks of the harness, however it was declared (annotations or the builder).
 *
 * @param workloads the local topology location, empty when not given
 * @param resources {@code @MeshResource} locations in declaration order
 * @param classFaults faults that apply to every test of the class
 */
record MeshOptions(String workloads, List<String> resources, CleanupMode cleanup, List<FaultDeclaration> classFaults) {

    MeshOptions {
        resources = List.copyOf(resources);
        classFaults = List.copyOf(classFaults);
    }
}
