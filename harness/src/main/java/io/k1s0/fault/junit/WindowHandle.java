package io.k1s0.fault.junit;

import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsSource;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.FaultWindow;
import io.k1s0.fault.verdict.Ratio;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link MeshWindow}: the metrics window opened at construction, closed on the first {@link #result()}.
 * The snapshot is read once; each result call builds a {@link FaultWindow} from it.
 */
final class WindowHandle implements MeshWindow {

    private final MetricsSource source;
    private final MetricsWindow window;
    private final Optional<String> faultedTarget;
    private final Optional<Ratio> abortPercent;
    private final Optional<Ratio> delayPercent;
    private final Supplier<Set<String>> callers;
    private final Optional<TestRecord> record;
    private String caller;
    private String target;
    private MeshSnapshot snapshot;

    private WindowHandle(MetricsSource source, Optional<String> faultedTarget, Optional<Ratio> abortPercent,
                         Optional<Ratio> delayPercent, Optional<TestRecord> record) {
        this.source = source;
        this.faultedTarget = faultedTarget;
        this.abortPercent = abortPercent;
        this.delayPercent = delayPercent;
        this.record = record;
        this.callers = () -> record.map(TestRecord::callers).orElse(Set.of());
        this.window = source.open();
    }

    /** A window judged against the test's faults: {@code faultedTarget} when they all sit on one host. */
    static WindowHandle forTest(MetricsSource source, Optional<String> faultedTarget, Optional<Ratio> abortPercent,
                                Optional<Ratio> delayPercent, TestRecord record) {
        WindowHandle handle = new WindowHandle(source, faultedTarget, abortPercent, delayPercent, Optional.of(record));
        record.window(handle);
        return handle;
    }

    static WindowHandle open(MetricsSource source, Optional<String> faultedTarget, Optional<Ratio> abortPercent,
                             Optional<Ratio> delayPercent) {
        return new WindowHandle(source, faultedTarget, abortPercent, delayPercent, Optional.empty());
    }

    @Override
    public Instant start() {
        return window.start();
    }

    @Override
    public synchronized FaultWindow result() {
        return build(Optional.empty());
    }

    @Override
    public synchronized FaultWindow result(TrafficResult traffic) {
        record.ifPresent(r -> r.judged(traffic));
        return build(Optional.of(traffic));
    }

    @Override
    public synchronized MeshWindow edge(String caller, String target) {
        if (snapshot != null) {
            throw new IllegalStateException("edge(" + caller + ", " + target + ") after the window was closed; name the edge "
                    + "before the first result()");
        }
        this.caller = caller;
        this.target = target;
        return this;
    }

    /** The snapshot if the window was closed, for failure artifacts; never closes it. */
    synchronized Optional<MeshSnapshot> snapshotIfClosed() {
        return Optional.ofNullable(snapshot);
    }

    /** Closes the window if still open (for failure artifacts). */
    synchronized MeshSnapshot snapshot() {
        if (snapshot == null) {
            snapshot = window.close();
        }
        return snapshot;
    }

    /** The edge as far as known: named, or inferred. */
    synchronized Optional<String[]> edgeIfKnown() {
        String c = caller != null ? caller : onlyCaller().orElse(null);
        String t = target != null ? target : faultedTarget.orElse(null);
        return c == null || t == null ? Optional.empty() : Optional.of(new String[] {c, t});
    }

    private FaultWindow build(Optional<TrafficResult> traffic) {
        String edgeCaller = caller != null ? caller : onlyCaller().orElseThrow(() -> new IllegalStateException(
                "the fault window's caller is unknown: traffic was sent from " + (callers.get().isEmpty() ? "no workload"
                        : "several workloads " + callers.get()) + " through Mesh.from(...) while it was open; name it with "
                        + "window.edge(caller, target)"));
        String edgeTarget = target != null ? target : faultedTarget.orElseThrow(() -> new IllegalStateException(
                "the fault window's target is unknown: the test's faults sit on several hosts or none; name it with "
                        + "window.edge(caller, target)"));
        FaultWindow.Builder builder = FaultWindow.of(snapshot()).edge(edgeCaller, edgeTarget).source(source.describe());
        abortPercent.ifPresent(builder::abortPercent);
        delayPercent.ifPresent(builder::delayPercent);
        traffic.ifPresent(t -> builder.clientLatency(t.total().latency(), TimeUnit.MICROSECONDS));
        return builder.build();
    }

    private Optional<String> onlyCaller() {
        Set<String> seen = callers.get();
        return seen.size() == 1 ? Optional.of(seen.iterator().next()) : Optional.empty();
    }
}
