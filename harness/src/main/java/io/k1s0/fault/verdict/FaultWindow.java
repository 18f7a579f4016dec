package io.k1s0.fault.verdict;

import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.metrics.Selector;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * What the verdicts judge: one fault window's {@link MeshSnapshot}, the caller → target edge the faults sit on,
 * the configured fault percentages, and optionally the client-side latency histogram of the same traffic.
 * Build with {@link #of(MeshSnapshot)}.
 */
public final class FaultWindow {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final MeshSnapshot snapshot;
    private final String caller;
    private final String target;
    private final Ratio abortPercent;
    private final Ratio delayPercent;
    private final Histogram clientLatency;
    private final TimeUnit clientLatencyUnit;
    private final Selector clusterScope;
    private final Selector canaryScope;
    private final String sourceDescription;

    private FaultWindow(Builder b) {
        this.snapshot = b.snapshot;
        this.caller = b.caller;
        this.target = b.target;
        this.abortPercent = b.abortPercent;
        this.delayPercent = b.delayPercent;
        this.clientLatency = b.clientLatency;
        this.clientLatencyUnit = b.clientLatencyUnit;
        this.clusterScope = b.clusterScope != null ? b.clusterScope
                : Selector.all().regex("cluster_name", "outbound\\|[0-9]+\\|[^|]*\\|" + target + "\\..*");
        this.canaryScope = b.canaryScope != null ? b.canaryScope : Selector.all().eq("destination_service_name", target);
        this.sourceDescription = b.sourceDescription;
    }

    public static Builder of(MeshSnapshot snapshot) {
        return new Builder(snapshot);
    }

    public MeshSnapshot snapshot() {
        return snapshot;
    }

    public Instant start() {
        return snapshot.start();
    }

    public Instant end() {
        return snapshot.end();
    }

    public Duration length() {
        return snapshot.length();
    }

    /** {@code source_workload} of the caller whose sidecar runs the faults. */
    public String caller() {
        return caller;
    }

    /** {@code destination_service_name} of the faulted host. */
    public String target() {
        return target;
    }

    /** Selector of the caller → target edge (add the reporter through a {@code PromQl} entry). */
    public Selector scope() {
        return Selector.all().eq("source_workload", caller).eq("destination_service_name", target);
    }

    /** Envoy cluster stats of the edge; default: every outbound cluster of the target host. */
    public Selector clusterScope() {
        return clusterScope;
    }

    /** What Flagger's checks would select (with reporter=destination added by the catalogue). */
    public Selector canaryScope() {
        return canaryScope;
    }

    /** The scope a catalogue entry is judged on here: Envoy entries the clusters, Flagger entries the canary, else the edge. */
    public Selector scopeFor(PromQl entry) {
        if (entry.name().startsWith("CANARY_")) {
            return canaryScope;
        }
        return entry.metric().promName().startsWith("envoy_") ? clusterScope : scope();
    }

    /** The PromQL of a catalogue entry for this window, to evaluate at {@code time=<end>} (for reports and dumps). */
    public String query(PromQl entry) {
        return entry.promql(scopeFor(entry), length());
    }

    public Optional<Ratio> abortPercent() {
        return Optional.ofNullable(abortPercent);
    }

    public Optional<Ratio> delayPercent() {
        return Optional.ofNullable(delayPercent);
    }

    public Optional<Histogram> clientLatency() {
        return Optional.ofNullable(clientLatency);
    }

    /** The client-side P(q×100) in milliseconds, if a client histogram was given. */
    public Optional<Double> clientQuantileMillis(double q) {
        return clientLatency().map(h -> h.getValueAtPercentile(q * 100) * clientLatencyUnit.toNanos(1) / 1e6);
    }

    /** Where the numbers came from (e.g. {@code prometheus http://…}), for failure messages. */
    public Optional<String> sourceDescription() {
        return Optional.ofNullable(sourceDescription);
    }

    /** Collects a window's description; {@link #build()} checks it. */
    public static final class Builder {
        private final MeshSnapshot snapshot;
        private String caller;
        private String target;
        private Ratio abortPercent;
        private Ratio delayPercent;
        private Histogram clientLatency;
        private TimeUnit clientLatencyUnit;
        private Selector clusterScope;
        private Selector canaryScope;
        private String sourceDescription;

        private Builder(MeshSnapshot snapshot) {
            this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        }

        /** The edge: caller's {@code source_workload}, target's {@code destination_service_name}. */
        public Builder edge(String caller, String target) {
            this.caller = requireDnsLabel("caller", caller);
            this.target = requireDnsLabel("target", target);
            return this;
        }

        public Builder abortPercent(Ratio configured) {
            this.abortPercent = configured;
            return this;
        }

        public Builder delayPercent(Ratio configured) {
            this.delayPercent = configured;
            return this;
        }

        /** The client-side latency of the same traffic, recorded in {@code unit}. */
        public Builder clientLatency(Histogram histogram, TimeUnit unit) {
            this.clientLatency = Objects.requireNonNull(histogram, "histogram");
            this.clientLatencyUnit = Objects.requireNonNull(unit, "unit");
            return this;
        }

        /** Narrows Envoy cluster stats, e.g. to the caller's pod: {@code Selector.all().eq("pod", "order-bff-1")}. */
        public Builder clusterScope(Selector selector) {
            this.clusterScope = selector;
            return this;
        }

        /** Flagger's selection: {@code destination_workload_namespace} and {@code destination_workload=~}. */
        public Builder canaryWorkload(String namespace, String workload) {
            this.canaryScope = Selector.all().eq("destination_workload_namespace", requireDnsLabel("namespace", namespace))
                    .regex("destination_workload", requireDnsLabel("workload", workload));
            return this;
        }

        public Builder source(String description) {
            this.sourceDescription = description;
            return this;
        }

        public FaultWindow build() {
            if (caller == null || target == null) {
                throw new IllegalArgumentException("edge is not set; call edge(caller, target) with the caller's "
                        + "source_workload and the target's destination_service_name");
            }
            return new FaultWindow(this);
        }

        private static String requireDnsLabel(String field, String value) {
            if (value == null || !DNS_LABEL.matcher(value).matches() || value.length() > 63) {
                throw new IllegalArgumentException(field + " is '" + value
                        + "'; allowed: a Kubernetes name (DNS-1123 label: lower-case letters, digits, '-')");
            }
            return value;
        }
    }
}
