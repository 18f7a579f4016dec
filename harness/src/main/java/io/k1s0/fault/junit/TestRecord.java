package io.k1s0.fault.junit;

import io.k1s0.fault.traffic.TrafficResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one test method did on the mesh, kept in its method store: the callers it sent traffic from while its
 * fault window was open, the traffic results it judged, what the readiness gate saw, and its window.
 */
final class TestRecord {

    private final Set<String> callers = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<TrafficResult> traffic = Collections.synchronizedList(new ArrayList<>());
    private final List<String> gate = Collections.synchronizedList(new ArrayList<>());
    private volatile WindowHandle window;

    void calledFrom(String workload) {
        if (window != null) {
            callers.add(workload);
        }
    }

    Set<String> callers() {
        synchronized (callers) {
            return Set.copyOf(callers);
        }
    }

    void judged(TrafficResult result) {
        traffic.add(result);
    }

    List<TrafficResult> traffic() {
        synchronized (traffic) {
            return List.copyOf(traffic);
        }
    }

    void gateSaw(List<String> lines) {
        gate.addAll(lines);
    }

    List<String> gate() {
        synchronized (gate) {
            return List.copyOf(gate);
        }
    }

    void window(WindowHandle opened) {
        this.window = opened;
    }

    Optional<WindowHandle> window() {
        return Optional.ofNullable(window);
    }
}
