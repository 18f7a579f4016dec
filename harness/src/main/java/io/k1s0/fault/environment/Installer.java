package io.k1s0.fault.environment;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link InstallPlan}: applies each step's resources (create, or update when they exist, so a
 * reused cluster converges), waits for the step with a deadline, and logs one line per step with its time.
 * On a timeout it writes {@link Diagnostics} to the artifacts directory and throws with what was not ready.
 */
final class Installer {

    private static final Logger LOG = LoggerFactory.getLogger(Installer.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final Duration stepTimeout;
    private final Path artifactsDirectory;
    private final List<String> meshedNamespaces;

    /** @param meshedNamespaces the workloads' namespaces, dumped with the platform's on a timeout */
    Installer(KubernetesClient client, Duration stepTimeout, Path artifactsDirectory, List<String> meshedNamespaces) {
        this.client = client;
        this.stepTimeout = stepTimeout;
        this.artifactsDirectory = artifactsDirectory;
        this.meshedNamespaces = List.copyOf(meshedNamespaces);
    }

    void run(InstallPlan plan) {
        long started = System.nanoTime();
        for (InstallStep step : plan.steps()) {
            long stepStarted = System.nanoTime();
            apply(step);
            awaitReady(step);
            LOG.info("k3s mesh: step '{}' ready in {} ms ({} resources; {} ms since start)", step.name(),
                    millisSince(stepStarted), step.resources().size(), millisSince(started));
        }
    }

    void apply(InstallStep step) {
        for (HasMetadata resource : step.resources()) {
            try {
                client.resource(resource).createOr(NonDeletingOperation::update);
            } catch (KubernetesClientException e) {
                throw new IllegalStateException("step '" + step.name() + "': cannot apply " + resource.getKind()
                        + " " + qualifiedName(resource) + ": " + e.getMessage(), e);
            }
        }
    }

    void awaitReady(InstallStep step) {
        try {
            await("k3s mesh step '" + step.name() + "': " + step.readiness().description())
                    .atMost(stepTimeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .until(() -> step.readiness().pending(client).isEmpty());
        } catch (ConditionTimeoutException e) {
            // Checked again here: the poll that timed out was interrupted mid-request, its answer is noise.
            List<String> pending = step.readiness().pending(client);
            if (pending.isEmpty()) {
                LOG.info("k3s mesh: step '{}' became ready at its deadline", step.name());
                return;
            }
            throw notReady(step, pending, e);
        }
    }

    private EnvironmentStartException notReady(InstallStep step, List<String> pending, Throwable cause) {
        String diagnostics = Diagnostics.collect(client, meshedNamespaces);
        Path file = writeDiagnostics(step, pending, diagnostics);
        String message = "k3s mesh step '" + step.name() + "' not ready after " + stepTimeout.toMillis()
                + " ms, waiting for " + step.readiness().description() + ". Not ready:\n  - "
                + String.join("\n  - ", pending)
                + (file == null ? "" : "\nFull dump (pods, events, helm-install logs): " + file.toAbsolutePath())
                + "\n" + diagnostics;
        return new EnvironmentStartException(message, file, cause);
    }

    private Path writeDiagnostics(InstallStep step, List<String> pending, String diagnostics) {
        try {
            Files.createDirectories(artifactsDirectory);
            Path file = artifactsDirectory.resolve("k3s-not-ready-" + step.name() + ".txt");
            String text = "step: " + step.name() + "\nwaiting for: " + step.readiness().description()
                    + "\nnot ready:\n  - " + String.join("\n  - ", pending) + "\n\n" + diagnostics;
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            LOG.warn("cannot write k3s diagnostics to {}: {}", artifactsDirectory, e.toString());
            return null;
        }
    }

    private static String qualifiedName(HasMetadata resource) {
        String namespace = resource.getMetadata().getNamespace();
        return namespace == null ? resource.getMetadata().getName() : namespace + "/" + resource.getMetadata().getName();
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
