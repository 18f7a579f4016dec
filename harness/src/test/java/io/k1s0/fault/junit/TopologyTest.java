package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k1s0.fault.localmesh.WorkloadSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** The topology file: defaults, every field, and errors naming the entry and field. */
class TopologyTest {

    @Test
    void defaultsAndEveryFieldAreRead() throws Exception {
        List<WorkloadSpec> specs = Topology.parse("""
                workloads:
                - name: order-bff
                  namespace: k1s0-service
                - name: order-server-bad
                  namespace: k1s0-service
                  labels: {app: order-server, version: v2}
                  service: {name: order-server, port: 8080}
                  replicas: 2
                  defaultEcho: "status=503:100"
                """);

        assertThat(specs).as("workloads").containsExactly(
                new WorkloadSpec("order-bff", "k1s0-service", Map.of(), "order-bff", 80, 1, ""),
                new WorkloadSpec("order-server-bad", "k1s0-service", Map.of("app", "order-server", "version", "v2"),
                        "order-server", 8080, 2, "status=503:100"));
    }

    @Test
    void anUnknownFieldIsNamedWithItsEntry() {
        assertThatThrownBy(() -> Topology.parse("workloads:\n- name: a\n  namespace: b\n  replica: 2\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workloads[0].replica is an unknown field; allowed: [defaultEcho, labels, name, namespace, replicas, service]");
    }

    @Test
    void aNonNumericPortIsNamed() {
        assertThatThrownBy(() -> Topology.parse("workloads:\n- name: a\n  namespace: b\n  service: {port: http}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workloads[0].service.port is \"http\"; allowed: a whole number");
    }

    @Test
    void aMissingTopologyFileNamesTheAnnotationAndLocation() {
        assertThatThrownBy(() -> Topology.read("@MeshFaultTest on SomeCase", "classpath:junit/nothing.yaml"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@MeshFaultTest on SomeCase: workloads is 'classpath:junit/nothing.yaml', which is not on the class "
                        + "path; allowed: classpath:<resource> naming an existing resource, or file:<path>");
    }
}
