package io.k1s0.fault.environment;

import java.util.List;

/** Every image and chart version the k3s environment uses, pinned so runs are repeatable and cacheable. */
final class PinnedImages {

    /** Kubernetes 1.31: native sidecars on by default (beta since 1.29), inside Istio 1.24's supported range. */
    static final String K3S = "rancher/k3s:v1.31.5-k3s1";
    static final String ISTIO_CHART_VERSION = "1.24.6";
    static final String ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";
    /** The version Istio's own Prometheus sample add-on uses. */
    static final String PROMETHEUS = "prom/prometheus:v2.54.1";
    static final String FORTIO = "fortio/fortio:1.69.4";
    /** Envoy 1.32 is the line Istio 1.24's proxies are built from. */
    static final String ENVOY = "envoyproxy/envoy:v1.32.6";

    private PinnedImages() {
    }

    /** The images the istiod chart deploys at this version (chart default hub docker.io/istio). */
    static final String ISTIO_PILOT = "docker.io/istio/pilot:" + ISTIO_CHART_VERSION;
    static final String ISTIO_PROXY = "docker.io/istio/proxyv2:" + ISTIO_CHART_VERSION;

    /** Every image pulled inside k3s; the e2e workflow caches exactly these (a test keeps the two lists equal). */
    static List<String> imagesInsideK3s() {
        return List.of(ISTIO_PILOT, ISTIO_PROXY, PROMETHEUS, FORTIO, ENVOY);
    }
}
