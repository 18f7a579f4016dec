package io.k1s0.fault.localmesh;

import static io.k1s0.fault.localmesh.MeshFixtures.apply;
import static io.k1s0.fault.localmesh.MeshFixtures.eventsAbout;
import static io.k1s0.fault.localmesh.MeshFixtures.service;
import static io.k1s0.fault.localmesh.MeshFixtures.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ControlPlaneTest {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneTest.class);
    private static final String NS = "k1s0-service";
    private static final Duration PROPAGATION = Duration.ofSeconds(5);
    private static LocalMesh mesh;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        mesh = TestMeshes.withForwardingDataPlane(LocalMesh.builder())
                .workload(WorkloadSpec.of("order-client", NS))
                .workload(WorkloadSpec.of("order-server", NS).withReplicas(2))
                .workload(WorkloadSpec.of("inventory", "k1s0-system").withService("inventory", 8080))
                .start();
        client = mesh.client();
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static Optional<VirtualService> vsFor(String callerNamespace, String host) {
        MeshConfig config = mesh.meshConfig();
        return config.service(callerNamespace, host).flatMap(s -> config.virtualService(callerNamespace, s)).map(AppliedResource::spec);
    }

    private static String timeoutOf(String callerNamespace, String host) {
        return vsFor(callerNamespace, host).map(v -> v.getHttp().get(0).getTimeout()).orElse(null);
    }

    @Test
    void workloadPodsAndServicesBecomeEndpoints() {
        ServiceTarget server = mesh.meshConfig().service(NS, "order-server").orElseThrow();
        assertThat(server.endpoints()).extracting(Endpoint::podName).as("ready endpoints of order-server").containsExactly("order-server-0", "order-server-1");
        assertThat(server.endpoints()).allSatisfy(e -> {
            assertThat(e.address()).as("pod IP").isEqualTo("127.0.0.1");
            assertThat(e.labels()).as("pod labels").containsEntry("app", "order-server").containsEntry("version", "v1");
        });
        assertThat(server.port()).as("service port").isEqualTo(80);
        assertThat(server.clusterName("stable")).isEqualTo("outbound|80|stable|order-server.k1s0-service.svc.cluster.local");
    }

    @Test
    void hostsResolveLikeKubernetesDnsFromTheCallersNamespace() {
        MeshConfig c = mesh.meshConfig();
        for (String host : List.of("order-server", "order-server.k1s0-service", "order-server.k1s0-service.svc",
                "order-server.k1s0-service.svc.cluster.local", "ORDER-SERVER.k1s0-service.svc.cluster.local.")) {
            assertThat(c.service(NS, host)).as("%s from %s", host, NS).map(ServiceTarget::fqdn)
                    .contains("order-server.k1s0-service.svc.cluster.local");
        }
        assertThat(c.service("k1s0-system", "order-server")).as("short name from another namespace").isEmpty();
        assertThat(c.service("k1s0-system", "order-server.k1s0-service")).as("name.namespace from another namespace").isPresent();
        assertThat(c.service(NS, "inventory.k1s0-system")).map(ServiceTarget::port).as("inventory port").contains(8080);
        assertThat(c.service(NS, "nowhere")).as("unknown host").isEmpty();
    }

    /** Creates the host's Service, writes the VirtualService and waits until the control plane has it. */
    private static HasMetadata writtenAndInForce(String name, String host, String httpRouteYaml) {
        service(client, NS, host, 80);
        HasMetadata written = apply(client, vs(NS, name, host, httpRouteYaml));
        mesh.awaitConfigured(List.of(written), List.of(), PROPAGATION);
        return written;
    }

    @Test
    @DisplayName("awaitConfigured returns once an update is in the sidecars' snapshot (the 100 ms goal is timed in SidecarHopBenchmark)")
    void anUpdateIsInForceOnceAwaitConfiguredReturns() {
        writtenAndInForce("latency-warmup", "latency-svc", "- timeout: 1s\n  route: [{destination: {host: latency-svc}}]");
        assertThat(timeoutOf(NS, "latency-svc")).as("route timeout right after the first write was awaited").isEqualTo("1s");

        long start = System.nanoTime();
        HasMetadata update = apply(client, vs(NS, "latency-warmup", "latency-svc", "- timeout: 7s\n  route: [{destination: {host: latency-svc}}]"));
        mesh.awaitConfigured(List.of(update), List.of(), PROPAGATION);
        assertThat(timeoutOf(NS, "latency-svc")).as("route timeout right after the update was awaited").isEqualTo("7s");
        LOG.info("VirtualService update in force {} ms after the write began", (System.nanoTime() - start) / 1e6);
    }

    @Test
    @DisplayName("awaitConfigured with a deletion returns once the VirtualService is out of the snapshot")
    void aDeletionIsOutOnceAwaitConfiguredReturns() {
        HasMetadata written = writtenAndInForce("deleted-vs", "deleted-svc", "- route: [{destination: {host: deleted-svc}}]");
        assertThat(vsFor(NS, "deleted-svc")).as("VirtualService of deleted-svc before the deletion").isPresent();

        client.resource(written).delete();
        mesh.awaitConfigured(List.of(), List.of(written), PROPAGATION);
        assertThat(vsFor(NS, "deleted-svc")).as("VirtualService of deleted-svc right after the deletion was awaited").isEmpty();
    }

    @Test
    @DisplayName("A deletion awaited with a version read before a later update waits until the VirtualService is gone")
    void aDeletionAwaitedWithAnEarlierVersionWaitsUntilGone() {
        HasMetadata early = writtenAndInForce("updated-then-deleted", "updated-svc", "- timeout: 3s\n  route: [{destination: {host: updated-svc}}]");
        HasMetadata later = apply(client, vs(NS, "updated-then-deleted", "updated-svc", "- timeout: 4s\n  route: [{destination: {host: updated-svc}}]"));
        mesh.awaitConfigured(List.of(later), List.of(), PROPAGATION);

        client.resource(later).delete();
        mesh.awaitConfigured(List.of(), List.of(early), PROPAGATION);

        assertThat(vsFor(NS, "updated-svc")).as("VirtualService of updated-svc right after the deletion was awaited").isEmpty();
    }

    @Test
    @DisplayName("A rejected write counts as taken in: awaitConfigured returns and the previous version stays in force")
    void aRejectedWriteIsTakenInWithThePreviousVersionInForce() {
        writtenAndInForce("rejected-vs", "rejected-svc", "- timeout: 2s\n  route: [{destination: {host: rejected-svc}}]");
        HasMetadata invalid = apply(client, vs(NS, "rejected-vs", "rejected-svc",
                "- fault: {abort: {httpStatus: 700, percentage: {value: 5}}}\n  route: [{destination: {host: rejected-svc}}]"));

        mesh.awaitConfigured(List.of(invalid), List.of(), PROPAGATION);

        assertThat(timeoutOf(NS, "rejected-svc")).as("route timeout of the previous, valid version").isEqualTo("2s");
        // The Event is written to the API on the recorder's own thread, after the snapshot.
        await("RejectedConfig Event about rejected-vs").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "rejected-vs", ControlPlane.REJECTED_REASON).isEmpty());
    }

    @Test
    @DisplayName("awaitConfigured names the write that never arrives once its deadline passes")
    void awaitConfiguredNamesWhatNeverArrives() {
        HasMetadata future = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("networking.istio.io/v1").withKind("VirtualService")
                .withNewMetadata().withName("not-yet").withNamespace(NS).withResourceVersion("999999999").endMetadata().build();

        assertThatThrownBy(() -> mesh.awaitConfigured(List.of(future), List.of(), Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VirtualService k1s0-service/not-yet at resourceVersion 999999999")
                .hasMessageContaining("300 ms");
    }

    @Test
    @DisplayName("Objects that do not route (a Service) are not waited for")
    void otherKindsAreNotWaitedFor() {
        HasMetadata notRouting = new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("never-written").withNamespace(NS).withResourceVersion("999999999").endMetadata().build();

        assertThatCode(() -> mesh.awaitConfigured(List.of(notRouting), List.of(notRouting), Duration.ofMillis(1)))
                .as("a 1 ms deadline is met because nothing is waited for").doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} is rejected and the previous version stays")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "abort percentage 150|- fault: {abort: {httpStatus: 503, percentage: {value: 150}}}\\n  route: [{destination: {host: HOST}}]|fault.abort.percentage.value: 150.0 is outside 0..100",
        "abort percentage 0.00001|- fault: {abort: {httpStatus: 503, percentage: {value: 0.00001}}}\\n  route: [{destination: {host: HOST}}]|below the smallest non-zero percentage",
        "delay percentage -1|- fault: {delay: {fixedDelay: 5s, percentage: {value: -1}}}\\n  route: [{destination: {host: HOST}}]|fault.delay.percentage.value: -1.0 is outside 0..100",
        "httpStatus 700|- fault: {abort: {httpStatus: 700, percentage: {value: 5}}}\\n  route: [{destination: {host: HOST}}]|httpStatus: 700 is outside 200..599",
        "httpStatus 600|- fault: {abort: {httpStatus: 600, percentage: {value: 5}}}\\n  route: [{destination: {host: HOST}}]|httpStatus: 600 is outside 200..599",
        "httpStatus 199|- fault: {abort: {httpStatus: 199, percentage: {value: 5}}}\\n  route: [{destination: {host: HOST}}]|httpStatus: 199 is outside 200..599",
        "fixedDelay 500us|- fault: {delay: {fixedDelay: 500us, percentage: {value: 5}}}\\n  route: [{destination: {host: HOST}}]|fixedDelay: 500us is below the minimum 1ms",
        "fault without delay or abort|- fault: {}\\n  route: [{destination: {host: HOST}}]|has neither delay nor abort",
        "undefined subset|- route: [{destination: {host: HOST, subset: canary}}]|subset: 'canary' is not defined",
        "weights summing to 0|- route: [{destination: {host: HOST}, weight: 0}, {destination: {host: HOST}, weight: 0}]|sum to 0",
        "unparsable timeout|- timeout: 5 seconds\\n  route: [{destination: {host: HOST}}]|timeout: '5 seconds' is not a duration",
        "unparsable perTryTimeout|- retries: {attempts: 2, perTryTimeout: soon}\\n  route: [{destination: {host: HOST}}]|perTryTimeout: 'soon' is not a duration",
        "negative retry attempts|- retries: {attempts: -1}\\n  route: [{destination: {host: HOST}}]|attempts: -1 is negative",
    })
    void anInvalidVirtualServiceIsRejectedReportedAndThePreviousVersionStays(String kind, String route, String expectedProblem) {
        String host = "rej-" + Integer.toHexString(kind.hashCode());
        String name = host + "-vs";
        service(client, NS, host, 80);
        apply(client, vs(NS, name, host, "- timeout: 3s\n  route: [{destination: {host: " + host + "}}]"));
        await("valid first version accepted").atMost(PROPAGATION).until(() -> "3s".equals(timeoutOf(NS, host)));

        apply(client, vs(NS, name, host, route.replace("\\n", "\n").replace("HOST", host)));

        await("RejectedConfig Event about " + name).atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, name, ControlPlane.REJECTED_REASON).isEmpty());
        Event event = eventsAbout(client, NS, name, ControlPlane.REJECTED_REASON).get(0);
        assertThat(event.getMessage()).as("Event message names the problem").contains(expectedProblem).contains("stays in force");
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("VirtualService");
        assertThat(timeoutOf(NS, host)).as("previous accepted version still in force").isEqualTo("3s");
    }

    @Test
    void aSpecThatDoesNotFitIstiosSchemaIsRejectedReportedAndThePreviousVersionStays() {
        service(client, NS, "schema-svc", 80);
        apply(client, vs(NS, "schema-svc", "schema-svc", "- timeout: 3s\n  route: [{destination: {host: schema-svc}}]"));
        await("valid first version accepted").atMost(PROPAGATION).until(() -> "3s".equals(timeoutOf(NS, "schema-svc")));

        // A typed client refuses to send this; kubectl or an untyped client against the embedded API does not.
        GenericKubernetesResource misfit = client.getKubernetesSerialization().unmarshal(
                vs(NS, "schema-svc", "schema-svc", "- retries: three\n  route: [{destination: {host: schema-svc}}]"),
                GenericKubernetesResource.class);
        client.genericKubernetesResources(IstioCrds.VIRTUAL_SERVICE.context("v1")).inNamespace(NS).resource(misfit).update();

        await("RejectedConfig Event about schema-svc").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "schema-svc", ControlPlane.REJECTED_REASON).isEmpty());
        assertThat(eventsAbout(client, NS, "schema-svc", ControlPlane.REJECTED_REASON).get(0).getMessage())
                .as("Event message").contains("spec.http[0].retries does not fit Istio's VirtualService schema").contains("stays in force");
        assertThat(timeoutOf(NS, "schema-svc")).as("previous accepted version still in force").isEqualTo("3s");
    }

    @Test
    void aDestinationRuleThatDoesNotFitIstiosSchemaTakesNoEffectAndIsReported() {
        service(client, NS, "schema-dr", 80);
        // First version already misfit: nothing to fall back to.
        GenericKubernetesResource misfit = client.getKubernetesSerialization().unmarshal("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: schema-dr, namespace: k1s0-service}
                spec:
                  host: schema-dr
                  trafficPolicy: {outlierDetection: {consecutive5xxErrors: many}}
                """, GenericKubernetesResource.class);
        client.genericKubernetesResources(IstioCrds.DESTINATION_RULE.context("v1")).inNamespace(NS).resource(misfit).create();

        await("RejectedConfig Event about schema-dr").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "schema-dr", ControlPlane.REJECTED_REASON).isEmpty());
        assertThat(eventsAbout(client, NS, "schema-dr", ControlPlane.REJECTED_REASON).get(0).getMessage()).as("Event message")
                .contains("spec.trafficPolicy.outlierDetection.consecutive5xxErrors does not fit Istio's DestinationRule schema")
                .contains("no previously accepted version");
        MeshConfig c = mesh.meshConfig();
        assertThat(c.service(NS, "schema-dr").flatMap(s -> c.destinationRule(NS, s))).as("DestinationRule in force").isEmpty();
    }

    @Test
    void aVirtualServiceWithoutASpecIsRejectedAndLaterWritesStillTakeEffect() {
        service(client, NS, "null-spec", 80);
        GenericKubernetesResource noSpec = Untyped.object("networking.istio.io/v1", "VirtualService",
                new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("null-spec").withNamespace(NS).build(), Map.of());
        noSpec.setAdditionalProperty("spec", null);   // "spec": null, as an untyped client or kubectl can store it
        client.genericKubernetesResources(IstioCrds.VIRTUAL_SERVICE.context("v1")).inNamespace(NS).resource(noSpec).create();
        await("RejectedConfig Event about null-spec").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "null-spec", ControlPlane.REJECTED_REASON).isEmpty());
        assertThat(eventsAbout(client, NS, "null-spec", ControlPlane.REJECTED_REASON).get(0).getMessage())
                .as("Event message names what the empty spec lacks").contains("hosts");

        service(client, NS, "after-null", 80);
        apply(client, vs(NS, "after-null", "after-null", "- timeout: 4s\n  route: [{destination: {host: after-null}}]"));
        await("a later VirtualService still reaches the snapshot").atMost(PROPAGATION).until(() -> "4s".equals(timeoutOf(NS, "after-null")));
    }

    @Test
    void aChangeElsewhereRebuildsWithoutReadingAnUnchangedVirtualServiceAgain() {
        service(client, NS, "kept-spec", 80);
        apply(client, vs(NS, "kept-spec", "kept-spec", "- timeout: 6s\n  route: [{destination: {host: kept-spec}}]"));
        await("VirtualService in force").atMost(PROPAGATION).until(() -> "6s".equals(timeoutOf(NS, "kept-spec")));
        VirtualService before = vsFor(NS, "kept-spec").orElseThrow();

        service(client, NS, "unrelated-change", 80);
        await("the new Service reaches a snapshot").atMost(PROPAGATION)
                .until(() -> mesh.meshConfig().service(NS, "unrelated-change").isPresent());
        assertThat(vsFor(NS, "kept-spec").orElseThrow()).as("the spec in the rebuilt snapshot: the one read before, not a new read")
                .isSameAs(before);
    }

    @Test
    void trafficKeepsFlowingWhileAnInvalidVirtualServiceIsRejected() throws Exception {
        apply(client, vs(NS, "order-server-broken", "order-server", "- fault: {abort: {httpStatus: 700, percentage: {value: 100}}}\n  route: [{destination: {host: order-server}}]"));
        await("rejection reported").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "order-server-broken", ControlPlane.REJECTED_REASON).isEmpty());
        java.net.URI proxy = mesh.proxyFor("order-client", NS);
        var http = java.net.http.HttpClient.newBuilder()
                .proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress(proxy.getHost(), proxy.getPort()))).build();
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://order-server/orders"))
                .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("request after the rejected VirtualService").isEqualTo(200);
        client.adapt(io.fabric8.istio.client.IstioClient.class).v1().virtualServices().inNamespace(NS).withName("order-server-broken").delete();
    }

    @Test
    void anInvalidDestinationRuleIsRejectedAndThePreviousOneStays() {
        service(client, NS, "dr-svc", 80);
        String good = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr-svc, namespace: k1s0-service}
                spec:
                  host: dr-svc
                  trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3, interval: 10s}}
                """;
        apply(client, good);
        await("DestinationRule accepted").atMost(PROPAGATION).until(() -> drInterval().equals("10s"));
        apply(client, good.replace("interval: 10s", "interval: ten"));
        await("RejectedConfig Event about dr-svc").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "dr-svc", ControlPlane.REJECTED_REASON).isEmpty());
        assertThat(eventsAbout(client, NS, "dr-svc", ControlPlane.REJECTED_REASON).get(0).getMessage())
                .contains("outlierDetection.interval: 'ten' is not a duration");
        assertThat(drInterval()).as("previous DestinationRule in force").isEqualTo("10s");
    }

    private static String drInterval() {
        MeshConfig c = mesh.meshConfig();
        return c.service(NS, "dr-svc").flatMap(s -> c.destinationRule(NS, s))
                .map(d -> d.spec().getTrafficPolicy().getOutlierDetection().getInterval()).orElse("");
    }

    @Test
    void anInvalidFirstVersionTakesNoEffectAndIsReported() {
        service(client, NS, "never-valid", 80);
        apply(client, vs(NS, "never-valid", "never-valid", "- fault: {abort: {httpStatus: 42, percentage: {value: 5}}}\n  route: [{destination: {host: never-valid}}]"));
        await("RejectedConfig Event about never-valid").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "never-valid", ControlPlane.REJECTED_REASON).isEmpty());
        assertThat(eventsAbout(client, NS, "never-valid", ControlPlane.REJECTED_REASON).get(0).getMessage())
                .contains("no previously accepted version");
        assertThat(vsFor(NS, "never-valid")).as("no VirtualService in force").isEmpty();
    }

    @Test
    void aSubsetBecomesValidOnceItsDestinationRuleArrives() {
        service(client, NS, "late-dr", 80);
        apply(client, vs(NS, "late-dr", "late-dr", "- timeout: 2s\n  route: [{destination: {host: late-dr, subset: stable}}]"));
        await("rejection reported").atMost(PROPAGATION).until(() -> !eventsAbout(client, NS, "late-dr", ControlPlane.REJECTED_REASON).isEmpty());
        apply(client, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: late-dr-rule, namespace: k1s0-service}
                spec:
                  host: late-dr
                  subsets: [{name: stable, labels: {version: v1}}]
                """);
        await("VirtualService accepted after its subset exists").atMost(PROPAGATION).until(() -> "2s".equals(timeoutOf(NS, "late-dr")));
    }

    @Test
    void anExactHostBeatsAWildcardAndAWildcardDestinationMeansTheRequestedService() {
        apply(client, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: tier-defaults, namespace: k1s0-system}
                spec:
                  hosts: ["*.k1s0-system.svc.cluster.local"]
                  http:
                  - timeout: 9s
                    route: [{destination: {host: "*.k1s0-system.svc.cluster.local"}}]
                """);
        service(client, "k1s0-system", "billing", 80);
        await("wildcard VirtualService applies to billing").atMost(PROPAGATION)
                .until(() -> "9s".equals(timeoutOf(NS, "billing.k1s0-system")));
        VirtualService resolved = vsFor(NS, "billing.k1s0-system").orElseThrow();
        assertThat(resolved.getHttp().get(0).getRoute().get(0).getDestination().getHost())
                .as("wildcard destination resolved to the requested service").isEqualTo("billing.k1s0-system.svc.cluster.local");

        apply(client, vs("k1s0-system", "inventory-exact", "inventory", "- timeout: 4s\n  route: [{destination: {host: inventory}}]"));
        await("exact VirtualService beats the wildcard").atMost(PROPAGATION)
                .until(() -> "4s".equals(timeoutOf(NS, "inventory.k1s0-system")));
        assertThat(timeoutOf(NS, "billing.k1s0-system")).as("other hosts keep the wildcard").isEqualTo("9s");
    }

    @Test
    void withTwoVirtualServicesForOneHostTheOldestWinsAndTheOtherIsReported() {
        service(client, NS, "dup-host", 80);
        apply(client, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: zz-older, namespace: k1s0-service}
                spec:
                  hosts: [dup-host]
                  http: [{timeout: 1s, route: [{destination: {host: dup-host}}]}]
                """);
        await("first VirtualService in force").atMost(PROPAGATION).until(() -> "1s".equals(timeoutOf(NS, "dup-host")));
        // creationTimestamp has one-second resolution: let it tick so age, not the name, decides.
        String olderCreated = client.adapt(io.fabric8.istio.client.IstioClient.class).v1().virtualServices().inNamespace(NS)
                .withName("zz-older").get().getMetadata().getCreationTimestamp();
        await("the API clock passes the older resource's creation second").atMost(Duration.ofSeconds(3))
                .until(() -> java.time.Instant.now().isAfter(java.time.Instant.parse(olderCreated).plusSeconds(1)));
        apply(client, vs(NS, "aa-newer", "dup-host", "- timeout: 2s\n  route: [{destination: {host: dup-host}}]"));
        await("IST0109 Event about the newer VirtualService").atMost(PROPAGATION)
                .until(() -> !eventsAbout(client, NS, "aa-newer", ControlPlane.CONFLICT_REASON).isEmpty());
        assertThat(eventsAbout(client, NS, "aa-newer", ControlPlane.CONFLICT_REASON).get(0).getMessage())
                .contains("IST0109").contains("k1s0-service/zz-older");
        assertThat(timeoutOf(NS, "dup-host")).as("oldest VirtualService wins").isEqualTo("1s");
    }

    @Test
    void aVirtualServiceWrittenThroughV1alpha3IsServedLikeV1() {
        service(client, NS, "alpha-host", 80);
        apply(client, vs(NS, "alpha", "alpha-host", "- timeout: 6s\n  route: [{destination: {host: alpha-host}}]")
                .replace("networking.istio.io/v1", "networking.istio.io/v1alpha3"));
        await("v1alpha3 VirtualService in force").atMost(PROPAGATION).until(() -> "6s".equals(timeoutOf(NS, "alpha-host")));
        client.resource(vs(NS, "alpha", "alpha-host", "- timeout: 6s\n  route: [{destination: {host: alpha-host}}]")
                .replace("networking.istio.io/v1", "networking.istio.io/v1alpha3")).delete();
        await("deleted VirtualService leaves the snapshot").atMost(PROPAGATION).until(() -> vsFor(NS, "alpha-host").isEmpty());
    }

    @Test
    void aDestinationRuleInTheCallersNamespaceIsPreferred() {
        service(client, "k1s0-system", "pref", 80);
        apply(client, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: pref-home, namespace: k1s0-system}
                spec: {host: pref.k1s0-system.svc.cluster.local, subsets: [{name: home, labels: {version: v1}}]}
                """);
        apply(client, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: pref-caller, namespace: k1s0-service}
                spec: {host: pref.k1s0-system.svc.cluster.local, subsets: [{name: caller, labels: {version: v1}}]}
                """);
        await("both DestinationRules accepted").atMost(PROPAGATION).until(() -> {
            MeshConfig c = mesh.meshConfig();
            ServiceTarget pref = c.service(NS, "pref.k1s0-system").orElse(null);
            return pref != null && c.destinationRule(NS, pref).map(AppliedResource::name).orElse("").equals("pref-caller")
                    && c.destinationRule("k1s0-system", pref).map(AppliedResource::name).orElse("").equals("pref-home");
        });
    }

    @Test
    void aPodThatIsNotReadyIsNoEndpoint() {
        client.pods().inNamespace(NS).withName("order-server-1").editStatus(p -> {
            p.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).forEach(c -> c.setStatus("False"));
            return p;
        });
        try {
            await("not-ready pod leaves the endpoints").atMost(PROPAGATION).until(() ->
                    mesh.meshConfig().service(NS, "order-server").orElseThrow().endpoints().size() == 1);
        } finally {
            client.pods().inNamespace(NS).withName("order-server-1").editStatus(p -> {
                p.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).forEach(c -> c.setStatus("True"));
                return p;
            });
        }
        await("ready again").atMost(PROPAGATION).until(() -> mesh.meshConfig().service(NS, "order-server").orElseThrow().endpoints().size() == 2);
    }
}
