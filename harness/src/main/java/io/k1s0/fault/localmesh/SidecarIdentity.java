package io.k1s0.fault.localmesh;

/** Who one sidecar serves: the replica's pod, workload, labels and the Service it belongs to. */
record SidecarIdentity(String pod, String workload, String namespace, String app, String version, String serviceName, int servicePort) {

    PeerMetadata peer() {
        return new PeerMetadata(workload, namespace, app, version);
    }

    String serviceFqdn() {
        return serviceName + "." + namespace + HostNames.CLUSTER_SUFFIX;
    }
}
