package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointTest {
    @Test
    void theHostKeyIsTheAddressAndPortTheLoadBalancingAndOutlierStateAreKeptUnder() {
        Endpoint e = new Endpoint("order-server-0", "k1s0-service", "order-server", Map.of("app", "order-server"), "127.0.0.1", 41234);
        assertThat(e.hostKey()).as("host key of 127.0.0.1:41234").isEqualTo("127.0.0.1:41234");
    }

    @Test
    void aHostKeyThatIsNotTheAddressAndPortIsRefused() {
        // A different key would split one host's outlier, least-request and tried-host state in two.
        assertThatThrownBy(() -> new Endpoint("order-server-0", "k1s0-service", "order-server", Map.of(), "127.0.0.1", 41234, "127.0.0.1:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hostKey must be address:port (127.0.0.1:41234), got 127.0.0.1:1");
    }
}
