package io.k1s0.fault.junit;

import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.localmesh.WorkloadSpec;
import io.k1s0.fault.traffic.ProbeResult;
import io.k1s0.fault.traffic.ProbeTimeoutException;
import io.k1s0.fault.traffic.Traffic;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves each installed fault is live before the test measures: probe requests through a meshed caller until an
 * injected response is seen (a delayed one: at least the fixed delay; an aborted one: the status with Envoy's
 * {@code fault filter abort} body), with a deadline, never a fixed sleep.
 */
final class FaultGate {

    /** Configuration parameter: the gate's deadline per fault. */
    static final String TIMEOUT_PARAMETER = "fault.harness.gate.timeout";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Envoy's body for an aborted request; the local mesh answers the same. */
    static final String ABORT_BODY = "fault filter abort";
    /** Caller name used when the environment has no declared workloads (k3s relays, the runner pod). */
    static final String GATE_CALLER = "fault-harness-gate";

    private static final Logger LOG = LoggerFactory.getLogger(FaultGate.class);

    private final MeshHandle mesh;
    private final Duration timeout;

    FaultGate(MeshHandle mesh, Duration timeout) {
        this.mesh = mesh;
        this.timeout = timeout;
    }

    /** @return what the probes saw, one line per fault, for the failure artifacts */
    List<String> awaitLive(List<FaultSpec> specs) {
        List<String> seen = new ArrayList<>();
        for (FaultSpec spec : specs) {
            if (spec.headerMatch().filter(h -> h.kind() == FaultSpec.MatchKind.REGEX).isPresent()) {
                // Probes cannot build a value for an arbitrary regex, so this fault is not proven live.
                LOG.warn("fault on {} is scoped by a regex header match: the readiness gate cannot build a matching "
                        + "request and does not prove it live", spec.fqdn());
                seen.add("not gated (regex header match): " + spec);
                continue;
            }
            Traffic traffic = mesh.gateTraffic(caller(spec));
            RequestSpecification request = probeRequest(spec);
            spec.delay().filter(d -> d.percent() > 0).ifPresent(d -> seen.add(await(spec, traffic, request,
                    "a request to " + spec.fqdn() + " delayed by at least " + d.fixedDelay().toMillis() + " ms",
                    r -> r.getTime() >= d.fixedDelay().toMillis())));
            spec.abort().filter(a -> a.percent() > 0).ifPresent(a -> seen.add(await(spec, traffic, request,
                    "a request to " + spec.fqdn() + " aborted with " + a.httpStatus(),
                    r -> r.statusCode() == a.httpStatus() && r.asString().contains(ABORT_BODY))));
            if (spec.delay().map(d -> d.percent() == 0).orElse(true) && spec.abort().map(a -> a.percent() == 0).orElse(true)) {
                LOG.info("fault on {} injects into 0 % of requests: nothing to observe, the gate is skipped", spec.fqdn());
            }
        }
        return seen;
    }

    private String await(FaultSpec spec, Traffic traffic, RequestSpecification request, String description,
                         Predicate<Response> injected) {
        try {
            ProbeResult result = traffic.probe(request).atMost(timeout).every(Duration.ZERO).untilSeen(description, injected);
            LOG.debug("fault live: {}", result.describe());
            return result.describe();
        } catch (ProbeTimeoutException e) {
            throw new IllegalStateException("the fault on " + spec.fqdn() + " did not become live within " + timeout
                    + " (configuration parameter " + TIMEOUT_PARAMETER + "): " + e.getMessage(), e);
        }
    }

    /** A declared workload other than the target, in the target's namespace if there is one. */
    private String caller(FaultSpec spec) {
        List<WorkloadSpec> workloads = mesh.run().localWorkloads();
        return workloads.stream()
                .filter(w -> !(w.serviceName().equals(spec.service()) && w.namespace().equals(spec.namespace())))
                .sorted((a, b) -> Boolean.compare(!a.namespace().equals(spec.namespace()), !b.namespace().equals(spec.namespace())))
                .map(w -> w.name() + "/" + w.namespace())
                .findFirst()
                .or(() -> workloads.stream().map(w -> w.name() + "/" + w.namespace()).findFirst())
                .orElse(GATE_CALLER + "/" + spec.namespace());
    }

    private RequestSpecification probeRequest(FaultSpec spec) {
        RequestSpecBuilder builder = new RequestSpecBuilder()
                .setBaseUri("http://" + spec.fqdn()).setPort(mesh.servicePort(spec.service(), spec.namespace())).setBasePath("/");
        spec.headerMatch().ifPresent(h -> {
            switch (h.kind()) {
                case EXACT -> builder.addHeader(h.name(), h.value());
                case PREFIX -> builder.addHeader(h.name(), h.value() + "gate");
                case REGEX -> throw new IllegalStateException("regex-scoped faults are not gated: " + spec);
            }
        });
        return builder.build();
    }
}
