package io.k1s0.fault.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInstallerTest {

    private static final Instant NOW = Instant.parse("2026-11-23T01:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static final String ORDER_VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: order-server
              namespace: k1s0-service
            spec:
              hosts:
              - order-server
              http:
              - name: canary
                match:
                - headers:
                    x-canary:
                      exact: "true"
                route:
                - destination: {host: order-server, subset: canary}
                timeout: 3s
              - name: weighted
                route:
                - destination: {host: order-server, subset: stable}
                  weight: 90
                - destination: {host: order-server, subset: canary}
                  weight: 10
                mirror: {host: order-shadow}
                mirrorPercentage: {value: 5.0}
                retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,retriable-4xx"}
                timeout: 10s
            """;

    private final EmbeddedApi api = new EmbeddedApi();

    @AfterEach
    void close() {
        api.close();
    }

    private static FaultSpec weeklyFault() {
        return FaultSpec.builder().target("order-server", "k1s0-service")
                .delay(10, Duration.ofMillis(500)).abort(5, 503).build();
    }

    private FaultInstaller installer(String runId) {
        return new FaultInstaller(api.client(), runId, "job/k1s0-chaos/weekly", CLOCK);
    }

    private static JsonNode http(VirtualService vs) {
        return VirtualServiceStore.specTree(vs).path("http");
    }

    private static List<String> names(VirtualService vs) {
        List<String> names = new ArrayList<>();
        http(vs).forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    @Test
    void faultedCopiesGoInFrontOfTheOriginalsAndKeepTheirRouting() {
        VirtualService before = api.load(ORDER_VS);

        InstalledFault installed = installer("r1").install(weeklyFault(), Duration.ofMinutes(40));

        VirtualService after = api.get("k1s0-service", "order-server");
        assertThat(names(after)).as("copies first, originals untouched after them")
                .containsExactly("fh-r1-canary", "fh-r1-weighted", "canary", "weighted");
        assertThat(installed.routeNames()).containsExactly("fh-r1-canary", "fh-r1-weighted");
        assertThat(installed.dedicated()).isFalse();
        assertThat(installed.specHashBefore()).isEqualTo(SpecFingerprint.of(before));
        JsonNode canaryCopy = http(after).get(0);
        assertThat(canaryCopy.path("match")).as("match kept").isEqualTo(http(before).get(0).path("match"));
        assertThat(canaryCopy.path("timeout").asText()).isEqualTo("3s");
        assertThat(canaryCopy.path("fault").path("delay").path("fixedDelay").asText()).isEqualTo("0.5s");
        assertThat(canaryCopy.path("fault").path("delay").path("percentage").path("value").asDouble()).isEqualTo(10.0);
        assertThat(canaryCopy.path("fault").path("abort").path("httpStatus").asInt()).isEqualTo(503);
        assertThat(canaryCopy.path("fault").path("abort").path("percentage").path("value").asDouble()).isEqualTo(5.0);
        JsonNode weightedCopy = http(after).get(1);
        JsonNode weighted = http(before).get(1);
        for (String field : List.of("route", "mirror", "mirrorPercentage", "retries", "timeout")) {
            assertThat(weightedCopy.path(field)).as("copy keeps %s", field).isEqualTo(weighted.path(field));
        }
        assertThat(http(after).get(2)).as("original canary route unchanged").isEqualTo(http(before).get(0));
        assertThat(http(after).get(3)).as("original weighted route unchanged").isEqualTo(weighted);
        assertThat(after.getMetadata().getLabels()).containsEntry("fault.k1s0.io/run-id", "r1");
        assertThat(after.getMetadata().getAnnotations())
                .containsEntry("fault.k1s0.io/expires-at", "2026-11-23T01:40:00Z")
                .containsEntry("fault.k1s0.io/owner", "job/k1s0-chaos/weekly");
        assertThat(api.client().resources(VirtualService.class).inNamespace("k1s0-service").list().getItems())
                .as("never a second VirtualService for the host").hasSize(1);
    }

    @Test
    void headerScopingIsAndedIntoEveryMatchOfTheCopy() {
        api.load(ORDER_VS);
        FaultSpec scoped = FaultSpec.builder().target("order-server", "k1s0-service").abort(100, 503)
                .headerMatch("x-fault-test", FaultSpec.MatchKind.EXACT, "on")
                .sourceLabels(Map.of("app", "relay")).build();

        installer("r2").install(scoped, Duration.ofMinutes(5));

        JsonNode http = http(api.get("k1s0-service", "order-server"));
        JsonNode canaryMatch = http.get(0).path("match").get(0);
        assertThat(canaryMatch.path("headers").path("x-canary").path("exact").asText()).as("original condition kept")
                .isEqualTo("true");
        assertThat(canaryMatch.path("headers").path("x-fault-test").path("exact").asText()).isEqualTo("on");
        assertThat(canaryMatch.path("sourceLabels").path("app").asText()).isEqualTo("relay");
        JsonNode weightedMatch = http.get(1).path("match");
        assertThat(weightedMatch).as("a match-all route gets exactly the scope as its match").hasSize(1);
        assertThat(weightedMatch.get(0).path("headers").path("x-fault-test").path("exact").asText()).isEqualTo("on");
        assertThat(http.get(3).has("match")).as("original match-all route still has no match").isFalse();
    }

    @Test
    void scopingOnAHeaderTheRouteAlreadyMatchesIsRefusedAndNothingIsWritten() {
        VirtualService before = api.load(ORDER_VS);
        FaultSpec clash = FaultSpec.builder().target("order-server", "k1s0-service").abort(5, 503)
                .headerMatch("x-canary", FaultSpec.MatchKind.PREFIX, "t").build();

        assertThatThrownBy(() -> installer("r3").install(clash, Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already matches header 'x-canary'");
        assertThat(SpecFingerprint.of(api.get("k1s0-service", "order-server"))).isEqualTo(SpecFingerprint.of(before));
    }

    @Test
    void removalRestoresTheSpecExactly() {
        VirtualService before = api.load(ORDER_VS);
        FaultInstaller installer = installer("r4");
        InstalledFault installed = installer.install(weeklyFault(), Duration.ofMinutes(40));

        FaultRemoval removal = installer.remove(installed);

        VirtualService after = api.get("k1s0-service", "order-server");
        assertThat(removal.routesRemoved()).isEqualTo(2);
        assertThat(removal.standing()).as("the removal reports the VirtualService as written back").get()
                .satisfies(vs -> assertThat(vs.getMetadata().getResourceVersion()).isEqualTo(after.getMetadata().getResourceVersion()));
        assertThat(removal.deleted()).as("nothing deleted").isEmpty();
        assertThat(SpecFingerprint.of(after)).as("spec hash after removal equals hash before install")
                .isEqualTo(SpecFingerprint.of(before)).isEqualTo(installed.specHashBefore());
        assertThat(after.getMetadata().getLabels()).doesNotContainKey("fault.k1s0.io/run-id");
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKeys("fault.k1s0.io/expires-at", "fault.k1s0.io/owner");
        assertThat(installer.remove(installed).routesRemoved()).as("second removal finds nothing").isZero();
    }

    @Test
    void anotherWritersChangeInBetweenSurvivesAndOnlyOurRoutesGo() {
        api.load(ORDER_VS);
        FaultInstaller installer = installer("r5");
        InstalledFault installed = installer.install(weeklyFault(), Duration.ofMinutes(40));
        VirtualService current = api.get("k1s0-service", "order-server");
        var spec = (com.fasterxml.jackson.databind.node.ObjectNode) VirtualServiceStore.specTree(current);
        ((com.fasterxml.jackson.databind.node.ObjectNode) spec.path("http").get(3)).put("timeout", "7s");
        VirtualServiceStore.setSpecTree(current, spec);
        api.client().resources(VirtualService.class).inNamespace("k1s0-service").resource(current).update();
        VirtualService expected = api.client().getKubernetesSerialization().clone(current);
        VirtualServiceStore.setSpecTree(expected, FaultRoutes.withoutPrefixed(spec, "fh-r5-"));

        installer.remove(installed);

        VirtualService after = api.get("k1s0-service", "order-server");
        assertThat(names(after)).containsExactly("canary", "weighted");
        assertThat(http(after).get(1).path("timeout").asText()).as("the other writer's change is kept").isEqualTo("7s");
        assertThat(SpecFingerprint.of(after)).isEqualTo(SpecFingerprint.of(expected));
    }

    @Test
    void aConflictBetweenReadAndWriteIsRetriedOnAFreshRead() {
        VirtualService before = api.load(ORDER_VS);
        AtomicInteger interference = new AtomicInteger();
        VirtualServiceStore.BeforeWrite otherWriter = read -> {
            if (interference.getAndIncrement() < 2) {
                // Someone else writes after our read: our update carries a stale resourceVersion.
                VirtualService copy = api.client().getKubernetesSerialization().clone(read);
                copy.getMetadata().setAnnotations(Map.of("touched", String.valueOf(interference.get())));
                api.client().resources(VirtualService.class).inNamespace("k1s0-service").resource(copy).update();
            }
        };
        FaultInstaller installer = new FaultInstaller(api.client(), "r6", "host/test", CLOCK, otherWriter);

        InstalledFault installed = installer.install(weeklyFault(), Duration.ofMinutes(5));

        assertThat(interference.get()).as("two conflicts, then a successful third attempt").isEqualTo(3);
        VirtualService after = api.get("k1s0-service", "order-server");
        assertThat(names(after)).startsWith("fh-r6-canary", "fh-r6-weighted");
        assertThat(after.getMetadata().getAnnotations()).as("the other writer's annotation survived")
                .containsEntry("touched", "2");
        installer.remove(installed);
        assertThat(SpecFingerprint.of(api.get("k1s0-service", "order-server"))).isEqualTo(SpecFingerprint.of(before));
    }

    @Test
    void endlessConflictsGiveUpAfterBoundedAttempts() {
        api.load(ORDER_VS);
        AtomicInteger attempts = new AtomicInteger();
        VirtualServiceStore.BeforeWrite alwaysInterfere = read -> {
            attempts.incrementAndGet();
            VirtualService copy = api.client().getKubernetesSerialization().clone(read);
            copy.getMetadata().setAnnotations(Map.of("touched", String.valueOf(attempts.get())));
            api.client().resources(VirtualService.class).inNamespace("k1s0-service").resource(copy).update();
        };
        FaultInstaller installer = new FaultInstaller(api.client(), "r7", "host/test", CLOCK, alwaysInterfere);

        assertThatThrownBy(() -> installer.install(weeklyFault(), Duration.ofMinutes(5)))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
        assertThat(attempts.get()).isEqualTo(VirtualServiceStore.MAX_ATTEMPTS);
    }

    @Test
    void aHostWithoutVirtualServiceGetsADedicatedOneThatRemovalDeletes() {
        FaultInstaller installer = installer("r8");

        InstalledFault installed = installer.install(weeklyFault(), Duration.ofMinutes(5));

        VirtualService created = api.get("k1s0-service", "fh-r8-order-server");
        assertThat(created).isNotNull();
        assertThat(installed.dedicated()).isTrue();
        assertThat(created.getMetadata().getLabels()).containsEntry("fault.k1s0.io/run-id", "r8");
        assertThat(created.getMetadata().getAnnotations()).containsEntry("fault.k1s0.io/expires-at", "2026-11-23T01:05:00Z");
        assertThat(names(created)).containsExactly("fh-r8-order-server", "fh-r8-default");
        assertThat(http(created).get(0).path("fault").path("abort").path("httpStatus").asInt()).isEqualTo(503);
        assertThat(http(created).get(1).has("fault")).as("default route carries no fault").isFalse();
        assertThat(VirtualServiceStore.specTree(created).path("hosts").get(0).asText())
                .isEqualTo("order-server.k1s0-service.svc.cluster.local");

        FaultRemoval removal = installer.remove(installed);

        assertThat(api.get("k1s0-service", "fh-r8-order-server")).as("dedicated VirtualService deleted").isNull();
        assertThat(removal.deleted()).as("the removal reports the VirtualService it deleted").get()
                .satisfies(vs -> assertThat(vs.getMetadata().getName()).isEqualTo("fh-r8-order-server"));
        assertThat(removal.standing()).as("nothing written back").isEmpty();
    }

    @Test
    void aVirtualServiceNamingTheHostByFqdnIsFoundAndOthersAreLeftAlone() {
        api.load(ORDER_VS.replace("name: order-server\n  namespace", "name: other\n  namespace")
                .replace("- order-server\n  http", "- payment-server\n  http"));
        api.load(ORDER_VS.replace("- order-server\n  http", "- order-server.k1s0-service.svc.cluster.local\n  http"));

        installer("r9").install(weeklyFault(), Duration.ofMinutes(5));

        assertThat(names(api.get("k1s0-service", "order-server"))).startsWith("fh-r9-canary");
        assertThat(names(api.get("k1s0-service", "other"))).containsExactly("canary", "weighted");
    }

    @Test
    void aVirtualServiceMarkedByAnotherRunIsRefused() {
        api.load(ORDER_VS);
        installer("first").install(weeklyFault(), Duration.ofMinutes(5));

        assertThatThrownBy(() -> installer("second").install(weeklyFault(), Duration.ofMinutes(5)))
                .hasMessageContaining("already carries faults of run 'first'")
                .hasMessageContaining("fault-runner sweep");
    }

    @Test
    void planComputesTheChangeWithoutWriting() throws InterruptedException {
        VirtualService before = api.load(ORDER_VS);
        api.drainRequests();

        VirtualServiceChange change = installer("p1").plan(weeklyFault(), Duration.ofMinutes(30));

        assertThat(api.drainRequests()).as("only reads reached the API server").allMatch(r -> r.startsWith("GET "));
        VirtualService stored = api.get("k1s0-service", "order-server");
        assertThat(stored.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(change.action()).isEqualTo(VirtualServiceChange.Action.UPDATE);
        assertThat(change.beforeYaml()).doesNotContain("fh-p1-");
        assertThat(change.afterYaml()).contains("name: \"fh-p1-canary\"", "fault.k1s0.io/expires-at", "fixedDelay: \"0.5s\"");
    }

    @Test
    void planForAHostWithoutVirtualServiceShowsTheCreation() throws InterruptedException {
        api.drainRequests();

        VirtualServiceChange change = installer("p2").plan(weeklyFault(), Duration.ofMinutes(30));

        assertThat(api.drainRequests()).allMatch(r -> r.startsWith("GET "));
        assertThat(change.action()).isEqualTo(VirtualServiceChange.Action.CREATE);
        assertThat(change.name()).isEqualTo("fh-p2-order-server");
        assertThat(change.beforeYaml()).isEmpty();
        assertThat(api.client().resources(VirtualService.class).inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void aBadRunIdIsRejectedNamingTheAllowedForm() {
        assertThatThrownBy(() -> installer("Bad_Run"))
                .hasMessage("runId: 'Bad_Run' is not allowed; allowed: 1-20 characters of a-z, 0-9 and '-', "
                        + "starting and ending alphanumeric");
    }
}
