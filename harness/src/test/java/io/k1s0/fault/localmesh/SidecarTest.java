package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SidecarTest {
    private static final String NS = "k1s0-service";
    private static LocalMesh mesh;

    @BeforeAll
    static void start() {
        mesh = TestMeshes.withForwardingDataPlane(LocalMesh.builder())
                .workload(WorkloadSpec.of("order-client", NS).withLabels(java.util.Map.of("version", "v3")))
                .workload(WorkloadSpec.of("order-server", NS).withService("order-server", 8080))
                .start();
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static HttpClient through(URI proxy) {
        return HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort())))
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static String scrape(String pod) throws Exception {
        URI url = mesh.metricsEndpoints().stream().filter(e -> e.pod().equals(pod)).findFirst().orElseThrow().url();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void absoluteUriTargetsAreParsedAndOthersRejectedWithUsage() {
        ProxyTarget t = ProxyTarget.parse("http://order-server.k1s0-service:8080/orders?status=503");
        assertThat(t).isEqualTo(new ProxyTarget("order-server.k1s0-service", 8080, "order-server.k1s0-service:8080", "/orders?status=503"));
        assertThatThrownBy(() -> ProxyTarget.parse("/orders")).hasMessageContaining("'/orders' is not an absolute http:// URI")
                .hasMessageContaining("curl -x");
        assertThatThrownBy(() -> ProxyTarget.parse("https://order-server/")).hasMessageContaining("not an absolute http:// URI");
        assertThatThrownBy(() -> ProxyTarget.parse("http:///x")).hasMessageContaining("has no host");
        assertThatThrownBy(() -> ProxyTarget.parse("http://order-server/a b")).hasMessageContaining("is not a valid URI");
        assertThatThrownBy(() -> ProxyTarget.parse("http://order-server/%zz")).hasMessageContaining("is not a valid URI");
    }

    @Test
    void theDirectParseAgreesWithJavaNetUriOnEveryForm() {
        // Plain forms are read directly, the rest via java.net.URI: both must give what URI gives.
        for (String target : java.util.List.of(
                "http://order-server", "http://order-server?x=1", "http://Order-Server.k1s0-service:80", "HTTP://a.b.svc.cluster.local:9090/p/q?r=s&t=u:v,w",
                "http://a/p#frag", "http://a/p?q#frag", "http://10.0.0.1:8080/", "http://a/%41b?c=%20", "http://user@a:81/p",
                "http://[::1]:8080/x", "http://a/status=503:5,429:1&delay=100ms:10")) {
            URI uri = URI.create(target);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String host = uri.getHost();
            ProxyTarget expected = new ProxyTarget(host, uri.getPort() < 0 ? 80 : uri.getPort(),
                    uri.getPort() < 0 ? host : host + ":" + uri.getPort(), path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            assertThat(ProxyTarget.parse(target)).as(target).isEqualTo(expected);
        }
    }

    @Test
    void aNonProxyRequestGets400WithAClearBody() throws Exception {
        URI proxy = mesh.proxyFor("order-client", NS);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.resolve("/orders")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not an absolute http:// URI").contains("curl -x");
    }

    @Test
    void aProxiedRequestReachesTheServerAndBothReportersRecordIt() throws Exception {
        HttpResponse<String> r = through(mesh.proxyFor("order-client", NS)).send(
                HttpRequest.newBuilder(URI.create("http://order-server:8080/orders?status=503&header=X-Reply:yes")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("status from the server").isEqualTo(503);
        assertThat(r.headers().firstValue("x-workload")).contains("order-server");
        assertThat(r.headers().firstValue("x-reply")).contains("yes");
        assertThat(r.headers().firstValue(PeerMetadata.HEADER)).as("peer metadata never leaks to the app").isEmpty();

        String source = await("source report").atMost(Duration.ofSeconds(5)).until(() -> scrape("order-client-0"), s -> s.contains("reporter=\"source\""));
        String sourceLine = source.lines().filter(l -> l.startsWith("istio_requests_total{reporter=\"source\"")).findFirst().orElseThrow();
        assertThat(sourceLine).as("source-side labels")
                .contains("source_workload=\"order-client\"", "source_version=\"v3\"", "source_app=\"order-client\"",
                        "destination_workload=\"order-server\"", "destination_version=\"v1\"",
                        "destination_service=\"order-server.k1s0-service.svc.cluster.local\"", "destination_service_name=\"order-server\"",
                        "destination_service_namespace=\"k1s0-service\"", "response_code=\"503\"", "response_flags=\"-\"",
                        "request_protocol=\"http\"", "connection_security_policy=\"unknown\"", "source_principal=\"unknown\"");

        String dest = await("destination report").atMost(Duration.ofSeconds(5)).until(() -> scrape("order-server-0"), s -> s.contains("reporter=\"destination\""));
        String destLine = dest.lines().filter(l -> l.startsWith("istio_requests_total{reporter=\"destination\"")).findFirst().orElseThrow();
        assertThat(destLine).as("destination-side labels, caller known from peer metadata")
                .contains("source_workload=\"order-client\"", "source_version=\"v3\"", "source_workload_namespace=\"k1s0-service\"",
                        "destination_workload=\"order-server\"", "destination_app=\"order-server\"",
                        "destination_service=\"order-server.k1s0-service.svc.cluster.local\"", "response_code=\"503\"");
    }

    @Test
    void aLocalReplyHasUnknownDestinationWorkloadAndItsFlags() throws Exception {
        HttpResponse<String> r = through(mesh.proxyFor("order-client", NS)).send(
                HttpRequest.newBuilder(URI.create("http://nowhere.k1s0-service/x")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        String line = scrape("order-client-0").lines()
                .filter(l -> l.startsWith("istio_requests_total{") && l.contains("response_flags=\"NR\"")).findFirst().orElseThrow();
        assertThat(line).contains("destination_workload=\"unknown\"", "destination_version=\"unknown\"",
                "destination_service=\"nowhere.k1s0-service\"");
    }

    @Test
    void aDirectCallerWithoutSidecarIsUnknownOnTheDestinationSide() throws Exception {
        Endpoint ep = mesh.meshConfig().service(NS, "order-server").orElseThrow().endpoints().get(0);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ep.port() + "/direct?status=201")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        String line = scrape("order-server-0").lines()
                .filter(l -> l.startsWith("istio_requests_total{") && l.contains("response_code=\"201\"")).findFirst().orElseThrow();
        assertThat(line).contains("source_workload=\"unknown\"", "source_canonical_revision=\"unknown\"");
    }

    @Test
    void anAppResetBecomesA503WithFlagUcAtTheInbound() throws Exception {
        HttpResponse<String> r = through(mesh.proxyFor("order-client", NS)).send(
                HttpRequest.newBuilder(URI.create("http://order-server:8080/x?close=reset")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("Envoy's local reply to an upstream reset").isEqualTo(503);
        assertThat(r.body()).contains("reset before headers");
        assertThat(scrape("order-server-0")).contains("response_flags=\"UC\"");
    }

    @Test
    void theDataPlaneStatsSinkIsExportedOnTheSidecar() throws Exception {
        Sidecar client = mesh.sidecarOf("order-client-0", NS);
        client.telemetry().increment("outbound|8080||order-server.k1s0-service.svc.cluster.local", "upstream_rq_retry", 4);
        assertThat(scrape("order-client-0"))
                .contains("envoy_cluster_upstream_rq_retry{cluster_name=\"outbound|8080||order-server.k1s0-service.svc.cluster.local\"} 4");
        assertThat(new String(scrape("order-client-0").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isNotEmpty();
    }
}
