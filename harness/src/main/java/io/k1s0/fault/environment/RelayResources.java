package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The relay: one single-replica Deployment per meshed namespace whose requests leave through its pod's own Istio
 * sidecar, so VirtualService faults (which run on the caller's sidecar) apply to the harness's traffic. A Deployment,
 * not a bare Pod: on a reused cluster the plan is applied again, and updating a Pod whose spec the injector
 * changed is rejected by the API server, while an unchanged Deployment template is a no-op.
 *
 * <p>Why Envoy's dynamic forward proxy and not Fortio: Fortio's proxy modes ({@code -M} multi-server, the
 * {@code /fortio/fetch/} endpoint, {@code -P} TCP proxies) send to fixed destinations and copy the upstream
 * status and body but not the upstream response headers; none accepts absolute-URI forward-proxy requests.
 * An Envoy HTTP connection manager with the dynamic forward proxy filter does both: it takes
 * {@code GET http://order-server.k1s0-service.svc.cluster.local/...} as sent through {@code curl -x}, keeps the Host header
 * (which the sidecar routes on), and returns the upstream status and headers unchanged. It is configured to
 * stay out of the measurement: no route timeout (an injected delay must not be cut), no retries, no
 * {@code x-envoy-*} headers of its own, the {@code server} header passed through, and circuit-breaker
 * limits far above any test's concurrency. The image is the Envoy line Istio 1.24's proxies are built from.
 */
final class RelayResources {

    static final String NAME = "fault-relay";
    static final int PROXY_PORT = 3128;
    /** Admin port bound to loopback only, outside Istio's 15000-15090 range. */
    static final int ADMIN_PORT = 9901;
    private static final int UNLIMITED = 1_000_000;
    static final String CONFIG_HASH_ANNOTATION = "fault.k1s0.io/relay-config-sha256";

    private RelayResources() {
    }

    /** The label selecting relay pods. */
    static final Map<String, String> SELECTOR = Map.of("app", NAME);

    static List<HasMetadata> all(List<String> namespaces) {
        return namespaces.stream()
                .flatMap(namespace -> List.of(configMap(namespace), deployment(namespace)).stream())
                .toList();
    }

    private static HasMetadata configMap(String namespace) {
        return new ConfigMapBuilder().withNewMetadata().withName(NAME).withNamespace(namespace).endMetadata()
                .addToData("envoy.yaml", Yaml.write(envoyConfig()))
                .build();
    }

    private static HasMetadata deployment(String namespace) {
        Map<String, String> labels = Map.of("app", NAME, "version", "v1");
        return new DeploymentBuilder()
                .withNewMetadata().withName(NAME).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(SELECTOR).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels)
                // A changed config rolls the pod on a reused cluster (Envoy reads its file only at start).
                .addToAnnotations(CONFIG_HASH_ANNOTATION, configHash()).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("relay").withImage(PinnedImages.ENVOY)
                .withArgs("-c", "/etc/relay/envoy.yaml", "--log-level", "warn")
                .addNewPort().withName("http-proxy").withContainerPort(PROXY_PORT).endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(PROXY_PORT)).endTcpSocket()
                .withPeriodSeconds(2).endReadinessProbe()
                .addNewVolumeMount().withName("config").withMountPath("/etc/relay").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("config").withNewConfigMap().withName(NAME).endConfigMap().endVolume()
                .endSpec().endTemplate().endSpec()
                .build();
    }

    static String configHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Yaml.write(envoyConfig()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static Map<String, Object> envoyConfig() {
        Map<String, Object> dnsCache = Map.of("name", "relay_dns", "dns_lookup_family", "V4_ONLY");
        Map<String, Object> connectionManager = Map.of(
                "@type", "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix", "relay",
                "server_header_transformation", "PASS_THROUGH",
                "http_protocol_options", Map.of("allow_absolute_url", true),
                "route_config", Map.of("virtual_hosts", List.of(Map.of(
                        "name", "any",
                        "domains", List.of("*"),
                        "routes", List.of(Map.of(
                                "match", Map.of("prefix", "/"),
                                "route", Map.of("cluster", "forward", "timeout", "0s")))))),
                "http_filters", List.of(
                        Map.of("name", "envoy.filters.http.dynamic_forward_proxy",
                                "typed_config", Map.of(
                                        "@type", "type.googleapis.com/envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig",
                                        "dns_cache_config", dnsCache)),
                        Map.of("name", "envoy.filters.http.router",
                                "typed_config", Map.of(
                                        "@type", "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                                        "suppress_envoy_headers", true))));
        Map<String, Object> thresholds = Map.of(
                "max_connections", UNLIMITED, "max_pending_requests", UNLIMITED,
                "max_requests", UNLIMITED, "max_retries", 0);
        return Map.of(
                "admin", Map.of("address", socket("127.0.0.1", ADMIN_PORT)),
                "static_resources", Map.of(
                        "listeners", List.of(Map.of(
                                "name", "forward_proxy",
                                "address", socket("0.0.0.0", PROXY_PORT),
                                "filter_chains", List.of(Map.of("filters", List.of(Map.of(
                                        "name", "envoy.filters.network.http_connection_manager",
                                        "typed_config", connectionManager)))))),
                        "clusters", List.of(Map.of(
                                "name", "forward",
                                "connect_timeout", "5s",
                                "lb_policy", "CLUSTER_PROVIDED",
                                "circuit_breakers", Map.of("thresholds", List.of(thresholds)),
                                "cluster_type", Map.of(
                                        "name", "envoy.clusters.dynamic_forward_proxy",
                                        "typed_config", Map.of(
                                                "@type", "type.googleapis.com/envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig",
                                                "dns_cache_config", dnsCache))))));
    }

    private static Map<String, Object> socket(String address, int port) {
        return Map.of("socket_address", Map.of("address", address, "port_value", port));
    }
}
