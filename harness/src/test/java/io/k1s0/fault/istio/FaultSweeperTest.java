package io.k1s0.fault.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultSweeperTest {

    private static final Instant INSTALLED_AT = Instant.parse("2026-11-23T01:00:00Z");

    private static final String VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: NAME
              namespace: NS
            spec:
              hosts: [NAME]
              http:
              - name: default
                route:
                - destination: {host: NAME}
            """;

    private final EmbeddedApi api = new EmbeddedApi();

    @AfterEach
    void close() {
        api.close();
    }

    private VirtualService existing(String name, String namespace) {
        return api.load(VS.replace("NAME", name).replace("NS", namespace));
    }

    private InstalledFault install(String runId, String service, String namespace, Duration ttl, String owner) {
        return new FaultInstaller(api.client(), runId, owner, Clock.fixed(INSTALLED_AT, ZoneOffset.UTC))
                .install(FaultSpec.builder().target(service, namespace).abort(5, 503).build(), ttl);
    }

    private static FaultSweeper sweeperAt(EmbeddedApi api, Instant now) {
        return new FaultSweeper(api.client(), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void expiredFaultsAreRemovedAcrossNamespacesAndLiveOnesStay() {
        VirtualService order = existing("order-server", "k1s0-service");
        install("old", "order-server", "k1s0-service", Duration.ofMinutes(10), "host/a");
        install("old", "auth-server", "k1s0-system", Duration.ofMinutes(10), "host/a");
        install("live", "payment-server", "k1s0-business", Duration.ofHours(2), "host/b");

        var swept = sweeperAt(api, INSTALLED_AT.plus(Duration.ofMinutes(11))).sweepExpired();

        assertThat(swept).extracting(SweptFault::namespace, SweptFault::virtualService, SweptFault::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("k1s0-service", "order-server", SweptFault.Reason.EXPIRED),
                        org.assertj.core.groups.Tuple.tuple("k1s0-system", "fh-old-auth-server", SweptFault.Reason.EXPIRED));
        assertThat(SpecFingerprint.of(api.get("k1s0-service", "order-server"))).isEqualTo(SpecFingerprint.of(order));
        assertThat(api.get("k1s0-system", "fh-old-auth-server")).as("dedicated VS of the expired run deleted").isNull();
        assertThat(api.get("k1s0-business", "fh-live-payment-server")).as("unexpired fault kept").isNotNull();
    }

    @Test
    void nothingIsSweptBeforeExpiry() {
        existing("order-server", "k1s0-service");
        install("r1", "order-server", "k1s0-service", Duration.ofMinutes(10), "host/a");

        assertThat(sweeperAt(api, INSTALLED_AT.plus(Duration.ofMinutes(9))).sweepExpired()).isEmpty();
        assertThat(api.get("k1s0-service", "order-server").getMetadata().getLabels()).containsKey("fault.k1s0.io/run-id");
    }

    @Test
    void aGivenRunIsRemovedEvenBeforeExpiry() {
        existing("order-server", "k1s0-service");
        install("r2", "order-server", "k1s0-service", Duration.ofHours(1), "host/a");

        var swept = sweeperAt(api, INSTALLED_AT).sweep(Optional.of("r2"), false);

        assertThat(swept).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(SweptFault.Reason.RUN_ID);
            assertThat(s.routesRemoved()).isEqualTo(1);
        });
    }

    @Test
    void faultsWhoseOwnerJobIsGoneAreOrphansAndThoseWithAJobStay() {
        api.client().batch().v1().jobs().inNamespace("k1s0-chaos").resource(new JobBuilder()
                .withNewMetadata().withName("alive").withNamespace("k1s0-chaos").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("i")
                .endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec().build()).create();
        install("orphan", "order-server", "k1s0-service", Duration.ofHours(1), "job/k1s0-chaos/gone");
        install("owned", "auth-server", "k1s0-system", Duration.ofHours(1), "job/k1s0-chaos/alive");

        var swept = sweeperAt(api, INSTALLED_AT).sweep(Optional.empty(), true);

        assertThat(swept).singleElement().satisfies(s -> {
            assertThat(s.runId()).isEqualTo("orphan");
            assertThat(s.reason()).isEqualTo(SweptFault.Reason.ORPHANED);
        });
        assertThat(api.get("k1s0-system", "fh-owned-auth-server")).isNotNull();
    }

    @Test
    void anUnreadableExpiryCountsAsExpired() {
        install("r3", "order-server", "k1s0-service", Duration.ofHours(1), "host/a");
        VirtualService vs = api.get("k1s0-service", "fh-r3-order-server");
        vs.getMetadata().getAnnotations().put("fault.k1s0.io/expires-at", "tomorrow");
        api.client().resources(VirtualService.class).inNamespace("k1s0-service").resource(vs).update();

        assertThat(sweeperAt(api, INSTALLED_AT).sweepExpired()).extracting(SweptFault::runId).containsExactly("r3");
    }
}
