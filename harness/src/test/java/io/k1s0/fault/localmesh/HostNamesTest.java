package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostNamesTest {
    @ParameterizedTest(name = "{0} written in k1s0-service names {1}")
    @CsvSource({
            "order-server,                             order-server.k1s0-service.svc.cluster.local",
            "auth-server.k1s0-system,                  auth-server.k1s0-system.svc.cluster.local",
            "auth-server.k1s0-system.svc,              auth-server.k1s0-system.svc.cluster.local",
            "auth-server.k1s0-system.svc.cluster.local, auth-server.k1s0-system.svc.cluster.local",
            "' Order-Server ',                         order-server.k1s0-service.svc.cluster.local",
            "order-server.k1s0-service.,               order-server.k1s0-service.svc.cluster.local",
            "*.k1s0-system.svc.cluster.local,          *.k1s0-system.svc.cluster.local",
            "api.example.com,                          api.example.com",
            "a.b.c.d,                                  a.b.c.d",
            "a.b.svcx,                                 a.b.svcx"
    })
    void qualifyReadsAHostAsIstioDoesRelativeToTheNamespaceItIsWrittenIn(String host, String fqdn) {
        assertThat(HostNames.qualify(host, "k1s0-service")).as("FQDN of %s written in k1s0-service", host).isEqualTo(fqdn);
    }
}
