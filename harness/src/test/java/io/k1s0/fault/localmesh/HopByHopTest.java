package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class HopByHopTest {

    @Test
    void everyConnectionLevelHeaderIsRecognisedInAnyCaseAndNothingElse() {
        for (String name : new String[] {"Connection", "KEEP-ALIVE", "proxy-connection", "Proxy-Authenticate", "proxy-authorization",
                "TE", "Trailer", "transfer-encoding", "Upgrade", "Content-Length"}) {
            assertThat(HopByHop.is(name)).as(name).isTrue();
        }
        // Among them names as long as a hop-by-hop one, since the length picks what is compared.
        for (String name : new String[] {"content-type", "x-request-id", "host", "tee", "connections", "trailers", "", "tx", "referer",
                "user-agent", "content-digest", "x-forwarded-host", "x-envoy-decorator", "x-forwarded-client", "authorization-proxy"}) {
            assertThat(HopByHop.is(name)).as(name).isFalse();
        }
    }

    @Test
    void removeFromDropsThemInPlaceAndKeepsEveryOtherValue() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "keep-alive").add("X-Multi", "a").add("x-multi", "b").add("Transfer-Encoding", "chunked")
                .add("Content-Type", "text/plain").add("content-length", "3");

        MultiMap result = HopByHop.removeFrom(headers);

        assertThat(result).as("the same map, not a copy").isSameAs(headers);
        assertThat(headers.names()).containsExactlyInAnyOrder("X-Multi", "Content-Type");
        assertThat(headers.getAll("x-multi")).as("repeated values survive").containsExactly("a", "b");
    }
}
