package io.k1s0.fault.traffic;

import java.net.URI;
import java.util.Locale;

/**
 * Where generated traffic leaves from. Faults run on the caller's sidecar, so requests must leave from a
 * meshed workload.
 *
 * <ul>
 *   <li>{@link #viaProxy(URI)}: requests go to an HTTP forward proxy with an absolute request URI, as
 *       {@code curl -x} does ({@code GET http://order-server.k1s0-service/orders HTTP/1.1}). Use it for the
 *       local mesh (the vantage workload's sidecar outbound listener) and for k3s (a relay pod reached
 *       through a port-forward).</li>
 *   <li>{@link #direct()}: requests go straight to the target; the pod this JVM runs in has its own
 *       sidecar that intercepts them (the staging runner pod).</li>
 * </ul>
 */
public sealed interface Vantage permits ProxyVantage, DirectVantage {

    /**
     * Sends every request through an HTTP forward proxy.
     *
     * @param proxy {@code http://host:port} of the proxy; no path, query or user info
     * @throws IllegalArgumentException when the URI is not of that form
     */
    static Vantage viaProxy(URI proxy) {
        if (proxy == null) {
            throw new IllegalArgumentException("Vantage.viaProxy proxy: given null; allowed: an http://host:port URI");
        }
        String scheme = proxy.getScheme() == null ? null : proxy.getScheme().toLowerCase(Locale.ROOT);
        boolean hasPath = proxy.getRawPath() != null && !proxy.getRawPath().isEmpty() && !"/".equals(proxy.getRawPath());
        if (!"http".equals(scheme) || proxy.getHost() == null || proxy.getPort() < 0 || hasPath
                || proxy.getRawQuery() != null || proxy.getRawUserInfo() != null) {
            throw new IllegalArgumentException("Vantage.viaProxy proxy: given '" + proxy
                    + "'; allowed: an http://host:port URI with an explicit port and no path, query or user info");
        }
        return new ProxyVantage(proxy.getHost(), proxy.getPort());
    }

    /** Sends requests straight to the target URI; a sidecar around this JVM (if any) intercepts them. */
    static Vantage direct() {
        return DirectVantage.INSTANCE;
    }
}
