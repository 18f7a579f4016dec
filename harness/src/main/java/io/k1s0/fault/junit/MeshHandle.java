package io.k1s0.fault.junit;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.environment.K3sEnvironment;
import io.k1s0.fault.metrics.MetricsSource;
import io.k1s0.fault.traffic.Traffic;
import io.k1s0.fault.traffic.Vantage;
import io.restassured.RestAssured;
import io.restassured.config.LogConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Mesh} a test sees: a view of the run's environment. Traffic sent through {@link #from} while a
 * fault window is open names that window's caller.
 */
final class MeshHandle implements Mesh {

    /** The workload name Istio reports for the k3s environment's relay pods (RelayResources.NAME there). */
    static final String K3S_RELAY_WORKLOAD = "fault-relay";

    private final MeshRun run;
    private final Optional<TestRecord> record;

    MeshHandle(MeshRun run, Optional<TestRecord> record) {
        this.run = run;
        this.record = record;
    }

    MeshRun run() {
        return run;
    }

    @Override
    public String environment() {
        return run.environment().name();
    }

    @Override
    public KubernetesClient client() {
        return run.environment().client();
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public Traffic from(String workload, String namespace) {
        Traffic traffic = traffic(workload, namespace);
        record.ifPresent(r -> r.calledFrom(reportedWorkload(workload)));
        return traffic;
    }

    /** Traffic for the readiness gate: not recorded as the test's caller. {@code ref} is {@code workload/namespace}. */
    Traffic gateTraffic(String ref) {
        String[] parts = ref.split("/", 2);
        return traffic(parts[0], parts[1]);
    }

    private Traffic traffic(String workload, String namespace) {
        Optional<java.net.URI> proxy = run.environment().vantageProxy(workload, namespace);
        return Traffic.from(proxy.map(Vantage::viaProxy).orElseGet(Vantage::direct));
    }

    @Override
    public RequestSpecification request() {
        return RestAssured.given().config(RestAssuredConfig.config().logConfig(LogConfig.logConfig()
                .enableLoggingOfRequestAndResponseIfValidationFails()
                .blacklistDefaultSensitiveHeaders()));
    }

    @Override
    public RequestSpecification request(String service, String namespace) {
        return request().baseUri("http://" + service + "." + namespace + ".svc.cluster.local").port(servicePort(service, namespace));
    }

    /** The Service's first port. */
    int servicePort(String service, String namespace) {
        Service found = client().services().inNamespace(namespace).withName(service).get();
        if (found == null) {
            throw new IllegalArgumentException("no Service " + service + " in namespace " + namespace + "; there: "
                    + serviceNames(client(), namespace));
        }
        List<ServicePort> ports = found.getSpec().getPorts();
        if (ports == null || ports.isEmpty()) {
            throw new IllegalArgumentException("Service " + namespace + "/" + service + " declares no port");
        }
        return ports.get(0).getPort();
    }

    static List<String> serviceNames(KubernetesClient client, String namespace) {
        return client.services().inNamespace(namespace).list().getItems().stream()
                .map(s -> s.getMetadata().getName()).sorted().toList();
    }

    @Override
    public MetricsSource metrics() {
        return run.metrics().orElseThrow(() -> new IllegalStateException("environment " + environment()
                + " has neither Prometheus nor sidecar metrics endpoints; configure Prometheus for it"));
    }

    @Override
    public MeshWindow openWindow(String caller, String target) {
        WindowHandle window = WindowHandle.open(metrics(), Optional.empty(), Optional.empty(), Optional.empty());
        window.edge(caller, target);
        return window;
    }

    private String reportedWorkload(String workload) {
        return run.environment() instanceof K3sEnvironment ? K3S_RELAY_WORKLOAD : workload;
    }
}
