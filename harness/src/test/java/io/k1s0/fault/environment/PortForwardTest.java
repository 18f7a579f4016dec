package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.LocalPortForward;
import java.net.InetAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortForwardTest {

    /** A port-forward that is already listening on a given local port (the real one needs a running pod). */
    private static LocalPortForward listeningOn(int port) {
        return new LocalPortForward() {
            private boolean open = true;

            @Override
            public InetAddress getLocalAddress() {
                return InetAddress.getLoopbackAddress();
            }

            @Override
            public int getLocalPort() {
                return port;
            }

            @Override
            public boolean isAlive() {
                return open;
            }

            @Override
            public boolean errorOccurred() {
                return false;
            }

            @Override
            public Collection<Throwable> getClientThrowables() {
                return List.of();
            }

            @Override
            public Collection<Throwable> getServerThrowables() {
                return List.of();
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    @Test
    void uriIsLoopbackHttpOnTheForwardedLocalPort() {
        try (PortForward forward = new PortForward("k1s0-service/fault-relay", listeningOn(43128))) {
            assertThat(forward.uri()).isEqualTo(URI.create("http://127.0.0.1:43128"));
        }
    }

    @Test
    void closingThePortForwardClosesTheTunnel() {
        LocalPortForward tunnel = listeningOn(43129);
        new PortForward("observability/prometheus", tunnel).close();
        assertThat(tunnel.isAlive()).isFalse();
    }

    @Test
    void outOfRangeLocalPortIsRejected() {
        assertThatThrownBy(() -> PortForward.loopbackUri(0))
                .hasMessage("local port is 0; allowed are 1..65535");
    }

    @Test
    void vantageForANamespaceIsThatNamespacesRelay() {
        Map<String, PortForward> relays = Map.of(
                "k1s0-service", new PortForward("k1s0-service/fault-relay", listeningOn(40001)),
                "k1s0-system", new PortForward("k1s0-system/fault-relay", listeningOn(40002)));
        assertThat(K3sEnvironment.relayFor(relays, "order-bff", "k1s0-service").uri())
                .isEqualTo(URI.create("http://127.0.0.1:40001"));
    }

    @Test
    void vantageInANamespaceWithoutRelayNamesTheNamespacesThatHaveOne() {
        Map<String, PortForward> relays = Map.of("k1s0-service",
                new PortForward("k1s0-service/fault-relay", listeningOn(40001)));
        assertThatThrownBy(() -> K3sEnvironment.relayFor(relays, "web", "default"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namespace is 'default' (workload 'web'); the k3s environment has relays in [k1s0-service]");
    }
}
