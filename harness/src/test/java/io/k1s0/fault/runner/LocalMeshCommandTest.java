package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k1s0.fault.localmesh.TestMeshes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalMeshCommandTest {
    private static final String WORKLOADS = """
            workloads:
            - name: order-client
              namespace: k1s0-service
            - name: order-server
              namespace: k1s0-service
              labels: {version: v2}
              service: {name: order-server, port: 8080}
              replicas: 2
            """;
    private static final String VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: order-server, namespace: k1s0-service}
            spec:
              hosts: [order-server]
              http: [{timeout: 3s, route: [{destination: {host: order-server}}]}]
            """;

    private record Run(LocalMeshCommand command, CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {}

    private static Run run(Path dir, Map<String, String> env, String... extra) throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("10-vs.yaml"), VS);
        Files.writeString(manifests.resolve("README.txt"), "not a manifest");
        Path workloads = dir.resolve("workloads.yaml");
        if (!Files.exists(workloads)) {
            Files.writeString(workloads, WORKLOADS);
        }
        LocalMeshCommand command = new LocalMeshCommand(TestMeshes::withForwardingDataPlane, env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of(
                "--manifests", manifests.toString(), "--workloads", workloads.toString(),
                "--endpoints-file", dir.resolve("endpoints.json").toString(), "--kubeconfig", dir.resolve("kubeconfig").toString()),
                java.util.Arrays.stream(extra)).toArray(String[]::new);
        return new Run(command, CompletableFuture.supplyAsync(() -> cli.execute(args)), out, err);
    }

    @Test
    void runsInTheForegroundServesProxiesAppliesManifestsAndStopsCleanly(@TempDir Path dir) throws Exception {
        Run run = run(dir, System.getenv());
        Path endpoints = dir.resolve("endpoints.json");
        await("endpoints file written").atMost(Duration.ofSeconds(30)).until(() -> Files.exists(endpoints) || run.exit().isDone());
        assertThat(run.exit()).as("still running; stderr: %s", run.err()).isNotDone();

        JsonNode doc = new ObjectMapper().readTree(endpoints.toFile());
        JsonNode client = doc.get("workloads").get(0);
        assertThat(client.get("name").asText()).isEqualTo("order-client");
        URI proxy = URI.create(client.get("proxy").asText());
        HttpResponse<String> r = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort())))
                .build().send(HttpRequest.newBuilder(URI.create("http://order-server.k1s0-service:8080/orders")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("request through the printed proxy").isEqualTo(200);
        assertThat(r.headers().firstValue("x-version")).contains("v2");
        assertThat(doc.get("workloads").get(1).get("metrics")).as("one metrics URL per replica").hasSize(2);
        assertThat(run.out().toString()).contains("applied VirtualService k1s0-service/order-server from 10-vs.yaml")
                .contains("proxy " + proxy).contains("metrics  k1s0-service/order-server-1");

        try (KubernetesClient k = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(dir.resolve("kubeconfig")))).build()) {
            assertThat(k.adapt(IstioClient.class).v1().virtualServices().inNamespace("k1s0-service").withName("order-server").get())
                    .as("manifest applied through the API the kubeconfig names").isNotNull();
        }

        run.command().stop();
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as("exit code").isZero();
        assertThat(run.out().toString()).contains("local mesh stopped");
        assertThatPortClosed(proxy);
    }

    @Test
    void watchReappliesAChangedFileReportsRejectionsAndDeletesTheResourcesOfADeletedFile(@TempDir Path dir) throws Exception {
        Run run = run(dir, System.getenv(), "--watch");
        await("watching").atMost(Duration.ofSeconds(30)).until(() -> run.out().toString().contains("watching") || run.exit().isDone());
        assertThat(run.exit()).as("still running; stderr: %s", run.err()).isNotDone();
        Path file = dir.resolve("manifests/10-vs.yaml");
        try (KubernetesClient k = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(dir.resolve("kubeconfig")))).build()) {
            var vs = k.adapt(IstioClient.class).v1().virtualServices().inNamespace("k1s0-service").withName("order-server");

            Files.writeString(file, VS.replace("timeout: 3s", "timeout: 7s"));
            await("changed file re-applied").atMost(Duration.ofSeconds(10))
                    .until(() -> "7s".equals(vs.get().getSpec().getHttp().get(0).getTimeout()));

            Files.writeString(file, VS.replace("timeout: 3s", "timeout: 7parsecs"));
            await("rejection printed").atMost(Duration.ofSeconds(10))
                    .until(() -> run.out().toString().contains("rejected VirtualService k1s0-service/order-server: RejectedConfig"));
            assertThat(run.out().toString()).contains("'7parsecs' is not a duration");

            Files.writeString(dir.resolve("manifests/20-broken.yaml"), "kind: [");
            await("bad YAML reported").atMost(Duration.ofSeconds(10))
                    .until(() -> run.out().toString().contains("not applied: ") && run.out().toString().contains("20-broken.yaml is not valid Kubernetes YAML"));

            Files.delete(file);
            await("resources of the deleted file deleted").atMost(Duration.ofSeconds(10)).until(() -> vs.get() == null);
            assertThat(run.out().toString()).contains("deleted VirtualService k1s0-service/order-server (no longer in 10-vs.yaml)");
        }
        run.command().stop();
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as("exit code").isZero();
    }

    @Test
    void aManifestTreeIsAppliedOncePerResourceSubsetsFirstAndUnemulatedKindsAreReported(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("a-fault"));
        Files.createDirectories(tree.resolve("b-routing"));
        Files.createDirectories(tree.resolve("c-rules"));
        Files.writeString(tree.resolve("a-fault/vs.yaml"), VS.replace("timeout: 3s", "timeout: 1s"));
        Files.writeString(tree.resolve("b-routing/vs.yaml"), VS.replace("route: [{destination: {host: order-server}}]",
                "route: [{destination: {host: order-server, subset: v2}}]"));
        Files.writeString(tree.resolve("c-rules/dr.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: order-server, namespace: k1s0-service}
                spec: {host: order-server, subsets: [{name: v2, labels: {version: v2}}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: k1s0-service}
                spec: {selector: {istio: ingressgateway}, servers: []}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: order-server, namespace: k1s0-service}
                """);
        Run run = run(dir, System.getenv(), "--manifests", tree.toString());
        await("started").atMost(Duration.ofSeconds(30)).until(() -> run.out().toString().contains("Ctrl-C stops") || run.exit().isDone());
        assertThat(run.exit()).as("still running; stderr: %s", run.err()).isNotDone();
        String out = run.out().toString();
        assertThat(out).contains("skipped VirtualService k1s0-service/order-server from a-fault/vs.yaml: also defined in b-routing/vs.yaml, which is applied")
                .contains("stored  Gateway k1s0-service/gw from c-rules/dr.yaml (in the API only: the local mesh does not emulate Gateway)")
                .contains("skipped Deployment k1s0-service/order-server from c-rules/dr.yaml: the local mesh does not serve kind Deployment")
                .doesNotContain("rejected");
        assertThat(out.indexOf("applied DestinationRule k1s0-service/order-server")).as("the DestinationRule is applied before the VirtualService using its subset")
                .isLessThan(out.indexOf("applied VirtualService k1s0-service/order-server from b-routing/vs.yaml"))
                .isNotNegative();
        run.command().stop();
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as("exit code").isZero();
    }

    @Test
    void aMissingManifestPathIsAUsageError(@TempDir Path dir) throws Exception {
        Run run = run(dir, System.getenv(), "--manifests", dir.resolve("nope").toString());
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as("exit code").isEqualTo(2);
        assertThat(run.err().toString()).contains("--manifests " + dir.resolve("nope") + ": no such file or directory");
    }

    private static void assertThatPortClosed(URI uri) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket(uri.getHost(), uri.getPort()).close())
                .as("%s closed after stop", uri).isInstanceOf(IOException.class);
    }

    @Test
    void aBadWorkloadsFileIsAUsageErrorNamingTheField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("workloads.yaml"), """
                workloads:
                - name: order-server
                  namespace: k1s0-service
                  replica: 2
                """);
        Run run = run(dir, System.getenv());
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).as("usage error exit code").isEqualTo(2);
        assertThat(run.err().toString()).contains("workloads[0].replica: unknown field").contains("replicas");
        assertThat(dir.resolve("endpoints.json")).as("nothing started").doesNotExist();
    }

    @Test
    void prometheusWithoutABinaryIsAClearError(@TempDir Path dir) throws Exception {
        Run run = run(dir, Map.of("PATH", dir.toString(), "PROMETHEUS_BIN", dir.resolve("missing/prometheus").toString()), "--prometheus");
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(run.err().toString()).contains("--prometheus needs a prometheus binary").contains("PROMETHEUS_BIN is '")
                .contains("apt-get install prometheus");
    }

    @Test
    void withPrometheusARealPrometheusScrapesEverySidecar(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(PrometheusProcess.locate(System.getenv()).isPresent(),
                "no prometheus binary on PATH or in PROMETHEUS_BIN (apt-get install prometheus)");
        Run run = run(dir, System.getenv(), "--prometheus");
        Path endpoints = dir.resolve("endpoints.json");
        await("endpoints file written").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(endpoints) || run.exit().isDone());
        assertThat(run.exit()).as("still running; stderr: %s", run.err()).isNotDone();
        URI prom = URI.create(new ObjectMapper().readTree(endpoints.toFile()).get("prometheus").asText());
        HttpClient http = HttpClient.newHttpClient();
        await("Prometheus sees three healthy sidecar targets").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String body = http.send(HttpRequest.newBuilder(prom.resolve("/api/v1/query?query=sum(up%7Bjob%3D%22local-mesh%22%7D)"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.contains("\"3\"");
        });
        assertThat(run.out().toString()).contains("Prometheus  " + prom);
        run.command().stop();
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).isZero();
        assertThatPortClosed(prom);
    }
}
