package io.k1s0.fault.junit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.k1s0.fault.istio.FaultRemoval;
import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.istio.InstalledFault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults installed for one test method, held in the method store: removed right after the test body and,
 * should that step not run, when the store closes. Every installed fault is known to the shutdown hook until
 * it is removed.
 */
final class MethodFaults implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MethodFaults.class);

    private final MeshRun run;
    private final List<FaultSpec> specs;
    private final List<InstalledFault> installed = Collections.synchronizedList(new ArrayList<>());

    MethodFaults(MeshRun run, List<FaultSpec> specs) {
        this.run = run;
        this.specs = List.copyOf(specs);
    }

    List<FaultSpec> specs() {
        return specs;
    }

    List<InstalledFault> installed() {
        synchronized (installed) {
            return List.copyOf(installed);
        }
    }

    void installAll() {
        for (FaultSpec spec : specs) {
            InstalledFault fault = run.installer().install(spec, run.faultTtl());
            installed.add(fault);
            run.shutdownCleanup().track(fault);
        }
    }

    /**
     * Removes every installed fault (idempotent); tries all before rethrowing the first failure.
     */
    void removeAll() {
        RuntimeException first = null;
        List<HasMetadata> standing = new ArrayList<>();
        List<HasMetadata> gone = new ArrayList<>();
        for (InstalledFault fault : installed()) {
            try {
                FaultRemoval removal = run.installer().remove(fault);
                installed.remove(fault);
                run.shutdownCleanup().untrack(fault);
                removal.standing().ifPresent(standing::add);
                removal.deleted().ifPresent(gone::add);
            } catch (RuntimeException e) {
                LOG.error("could not remove the fault in VirtualService {}/{}", fault.namespace(), fault.virtualService(), e);
                first = first == null ? e : first;
            }
        }
        try {
            // The next test's requests, and its readiness gate, must not meet this test's faults.
            run.environment().awaitConfigured(standing, gone);
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        removeAll();
    }
}
