package io.k1s0.fault.localmesh;

import java.util.Locale;

/** Kubernetes/Istio host-name forms: short, {@code name.ns}, {@code name.ns.svc}, FQDN, and wildcards. */
final class HostNames {
    static final String CLUSTER_SUFFIX = ".svc.cluster.local";

    private HostNames() {}

    /**
     * The FQDN a host written in {@code namespace} names, as Istio reads hosts in resources and in requests:
     * {@code a} → {@code a.<namespace>.svc.cluster.local}, {@code a.b} → {@code a.b.svc.cluster.local},
     * {@code a.b.svc} → {@code a.b.svc.cluster.local}; anything else (FQDNs, wildcards) stays as written.
     */
    static String qualify(String host, String namespace) {
        String h = host.toLowerCase(Locale.ROOT).trim();
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.startsWith("*")) {
            return h;
        }
        if (h.endsWith(CLUSTER_SUFFIX)) {
            return h;
        }
        // Labels counted in place: every request's host passes here (twice), so no split and no substrings.
        int dots = 0;
        for (int i = 0; i < h.length(); i++) {
            if (h.charAt(i) == '.') {
                dots++;
            }
        }
        if (dots == 0) {
            return h + "." + namespace + CLUSTER_SUFFIX;
        }
        if (dots == 1) {
            return h + CLUSTER_SUFFIX;
        }
        if (dots == 2 && h.endsWith(".svc")) {
            return h + ".cluster.local";
        }
        return h;
    }

    static boolean isWildcard(String host) {
        return host.startsWith("*");
    }

    /** Whether a (qualified) resource host covers the FQDN: equal, {@code *}, or a {@code *.suffix} wildcard. */
    static boolean matches(String qualifiedHost, String fqdn) {
        if (qualifiedHost.equals("*")) {
            return true;
        }
        if (isWildcard(qualifiedHost)) {
            return fqdn.endsWith(qualifiedHost.substring(1));
        }
        return qualifiedHost.equals(fqdn);
    }
}
