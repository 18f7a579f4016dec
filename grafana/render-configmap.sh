#!/bin/sh
# Rewrites dashboard-configmap.yaml from fault-injection-results.json (the JSON is the source of truth).
# DashboardConfigMapTest fails when the two drift apart.
set -eu
cd "$(dirname "$0")"
{
  cat <<'HEADER'
# Generated from fault-injection-results.json by render-configmap.sh; DashboardConfigMapTest fails when the two differ.
# Loaded by the Grafana sidecar of kube-prometheus-stack (label grafana_dashboard: "1").
apiVersion: v1
kind: ConfigMap
metadata:
  name: fault-injection-results-dashboard
  namespace: observability
  labels:
    grafana_dashboard: "1"
    app.kubernetes.io/name: fault-injection-results
    app.kubernetes.io/part-of: k1s0
data:
  fault-injection-results.json: |
HEADER
  sed 's/^/    /' fault-injection-results.json
} > dashboard-configmap.yaml
