package io.k1s0.fault.junit;

import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.istio.InstalledFault;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows every fault currently installed by this run and removes them from a JVM shutdown hook, so SIGTERM
 * (Ctrl-C, a CI cancel, a Job being deleted) never leaves a fault behind. A kill -9 is left to the fault's
 * {@code expires-at} annotation and the sweeper.
 */
final class ShutdownCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownCleanup.class);

    private final FaultInstaller installer;
    private final Set<InstalledFault> installed = ConcurrentHashMap.newKeySet();
    private final Thread hook;

    private ShutdownCleanup(FaultInstaller installer) {
        this.installer = installer;
        this.hook = new Thread(this::removeAllNow, "fault-harness-shutdown-" + installer.runId());
    }

    static ShutdownCleanup register(FaultInstaller installer) {
        ShutdownCleanup cleanup = new ShutdownCleanup(installer);
        Runtime.getRuntime().addShutdownHook(cleanup.hook);
        return cleanup;
    }

    void track(InstalledFault fault) {
        installed.add(fault);
    }

    void untrack(InstalledFault fault) {
        installed.remove(fault);
    }

    /** Removes every tracked fault; failures are logged so the others are still removed. */
    void removeAllNow() {
        List<InstalledFault> left = new ArrayList<>(installed);
        for (InstalledFault fault : left) {
            try {
                installer.remove(fault);
                installed.remove(fault);
                LOG.warn("removed fault left installed at shutdown: VirtualService {}/{} (run {})", fault.namespace(),
                        fault.virtualService(), fault.runId());
            } catch (RuntimeException e) {
                LOG.error("could not remove fault in VirtualService {}/{} (run {}); the sweeper removes it after {}",
                        fault.namespace(), fault.virtualService(), fault.runId(), fault.expiresAt(), e);
            }
        }
    }

    void unregister() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already shutting down and runs the hook itself
        }
    }
}
