package io.k1s0.fault.environment;

import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An open fabric8 port-forward as the loopback HTTP URI it gives. */
final class PortForward implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PortForward.class);

    private final String target;
    private final LocalPortForward forward;

    PortForward(String target, LocalPortForward forward) {
        this.target = target;
        this.forward = forward;
    }

    URI uri() {
        return loopbackUri(forward.getLocalPort());
    }

    /** fabric8 listens on the loopback address; a URI by IP avoids a resolver choosing ::1 instead. */
    static URI loopbackUri(int localPort) {
        if (localPort < 1 || localPort > 65_535) {
            throw new IllegalArgumentException("local port is " + localPort + "; allowed are 1..65535");
        }
        return URI.create("http://127.0.0.1:" + localPort);
    }

    String target() {
        return target;
    }

    @Override
    public void close() {
        try {
            forward.close();
        } catch (IOException e) {
            LOG.warn("closing port-forward to {} failed: {}", target, e.toString());
        }
    }
}
