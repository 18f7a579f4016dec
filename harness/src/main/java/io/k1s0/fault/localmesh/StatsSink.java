package io.k1s0.fault.localmesh;

/**
 * Where the data plane reports Envoy cluster statistics of one sidecar. Stat names are Envoy's as Istio
 * exports them without the {@code envoy_cluster_} prefix, e.g. {@code upstream_rq_retry},
 * {@code outlier_detection_ejections_active}; the cluster name is Envoy's ({@link ServiceTarget#clusterName}).
 */
interface StatsSink {

    void increment(String clusterName, String stat, long amount);

    void setGauge(String clusterName, String stat, long value);
}
