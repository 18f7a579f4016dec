package io.k1s0.fault.examples.design;

import io.k1s0.fault.api.Mesh;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a short, unmeasured burst through every hop once per test run, so the first measured test does not
 * pay the JVM's JIT warm-up of the local mesh (seconds of latency and connect timeouts on a cold JVM). No
 * window is open and nothing is asserted on this traffic.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private WarmUp() {}

    static void once(Mesh mesh) {
        if (!Chain.isLocal(mesh) || !DONE.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        // Not measured: the phases only run the sidecars' code paths hot before any window opens. Every hop
        // runs the same proxy code, so one hop warms them all.
        mesh.from(Chain.ORDER_BFF, Chain.SERVICE_NS).connectTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(20))
                .send(mesh.request(Chain.ORDER_SERVER, Chain.SERVICE_NS).basePath(Chain.PATH))
                .phase("cold").atRate(50).forRequests(100)
                .phase("warm").atRate(150).forRequests(150)
                .run();
        LOG.info("local mesh warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
}
