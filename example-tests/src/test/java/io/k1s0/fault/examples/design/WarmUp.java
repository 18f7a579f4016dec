package io.k1s0.fault.examples.design;

import io.k1s0.fault.api.Mesh;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a short, unmeasured burst through every hop once per test run, so the first measured test does not
 * pay the JVM's JIT warm-up of the local mesh (seconds of latency and connect timeouts on a cold JVM). No
 * window is open and nothing is asserted on this traffic. Classes run in parallel: the others block here until the
 * warm-up is over, so none measures on a cold JVM.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static boolean done;

    private WarmUp() {}

    static synchronized void once(Mesh mesh) {
        if (!Chain.isLocal(mesh) || done) {
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
        done = true;
        LOG.info("local mesh warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
}
