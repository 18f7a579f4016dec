package io.k1s0.fault.runner;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.istio.InstalledFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults one run installed, removed exactly once whoever comes first: the run's {@code finally} or the
 * SIGTERM shutdown hook. In a Job, a VirtualService the run created gets an ownerReference to the Job when
 * both live in one namespace (Kubernetes ignores owners in another namespace and would garbage-collect the
 * dependent at once, so none is set there; the owner annotation and the sweep cover that case).
 */
final class FaultSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultSession.class);

    /** The owning Job (Downward API: {@code JOB_NAME}, {@code JOB_UID}, {@code POD_NAMESPACE}). */
    record JobOwner(String namespace, String name, String uid) {
        static Optional<JobOwner> fromEnvironment(java.util.Map<String, String> env) {
            String name = env.get("JOB_NAME");
            String namespace = env.get("POD_NAMESPACE");
            if (name == null || name.isBlank() || namespace == null || namespace.isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new JobOwner(namespace, name, env.get("JOB_UID")));
        }

        String annotation() {
            return "job/" + namespace + "/" + name;
        }
    }

    private final KubernetesClient client;
    private final FaultInstaller installer;
    private final Optional<JobOwner> job;
    private final List<InstalledFault> installed = new ArrayList<>();
    private final Thread hook;
    private boolean removed;

    FaultSession(KubernetesClient client, FaultInstaller installer, Optional<JobOwner> job) {
        this.client = client;
        this.installer = installer;
        this.job = job;
        this.hook = new Thread(this::removeAll, "fault-runner-sigterm-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized InstalledFault install(FaultSpec fault, Duration ttl) {
        if (removed) {
            throw new IllegalStateException("the run is shutting down; no new faults");
        }
        InstalledFault f = installer.install(fault, ttl);
        installed.add(f);
        if (f.dedicated()) {
            job.filter(j -> j.namespace().equals(f.namespace()) && j.uid() != null && !j.uid().isBlank())
                    .ifPresent(j -> ownBy(f, j));
        }
        return f;
    }

    synchronized List<InstalledFault> installed() {
        return List.copyOf(installed);
    }

    /** Removes every installed fault; safe to call repeatedly and from the shutdown hook. Returns what failed. */
    synchronized List<String> removeAll() {
        removed = true;
        List<String> failures = new ArrayList<>();
        for (InstalledFault f : installed) {
            try {
                installer.remove(f);
            } catch (RuntimeException e) {
                LOG.error("could not remove fault of run {} from VirtualService {}/{}: {}", f.runId(), f.namespace(),
                        f.virtualService(), e.getMessage());
                failures.add(f.namespace() + "/" + f.virtualService() + ": " + e.getMessage());
            }
        }
        if (!installed.isEmpty()) {
            LOG.info("removed the faults of run {} from {} VirtualService(s)", installer.runId(), installed.size());
        }
        installed.clear();
        return failures;
    }

    private void ownBy(InstalledFault f, JobOwner j) {
        OwnerReference ref = new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withName(j.name()).withUid(j.uid()).withBlockOwnerDeletion(false).build();
        client.resources(VirtualService.class).inNamespace(f.namespace()).withName(f.virtualService())
                .edit(vs -> {
                    vs.getMetadata().getOwnerReferences().add(ref);
                    return vs;
                });
    }

    /** Removes the faults (if the run did not already) and unregisters the hook. */
    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already shutting down; the hook runs (and finds nothing left to remove)
        }
    }
}
