package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds MeshConfig snapshots from Istio YAML, so tests read like Istio config. Host resolution follows
 * Kubernetes DNS as the sidecar sees it: short names in the caller's namespace (for resources: the
 * resource's namespace), {@code name.ns}, {@code name.ns.svc}, FQDN.
 */
final class YamlMesh implements MeshConfig {
    private final long version;
    private final List<ServiceTarget> services;
    private final List<AppliedResource<VirtualService>> virtualServices;
    private final List<AppliedResource<DestinationRule>> destinationRules;

    private YamlMesh(long version, List<ServiceTarget> services, List<AppliedResource<VirtualService>> vs,
            List<AppliedResource<DestinationRule>> dr) {
        this.version = version;
        this.services = List.copyOf(services);
        this.virtualServices = List.copyOf(vs);
        this.destinationRules = List.copyOf(dr);
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private long version = 1;
        private final List<ServiceTarget> services = new ArrayList<>();
        private final List<AppliedResource<VirtualService>> vs = new ArrayList<>();
        private final List<AppliedResource<DestinationRule>> dr = new ArrayList<>();

        Builder version(long v) {
            version = v;
            return this;
        }

        Builder service(String name, String namespace, int port, FakeUpstream... replicas) {
            List<Endpoint> endpoints = new ArrayList<>();
            for (FakeUpstream u : replicas) {
                endpoints.add(u.endpoint(namespace, name + "-" + u.labels.getOrDefault("version", "v1")));
            }
            services.add(new ServiceTarget(name, namespace, port, endpoints));
            return this;
        }

        Builder serviceWithEndpoints(String name, String namespace, int port, List<Endpoint> endpoints) {
            services.add(new ServiceTarget(name, namespace, port, endpoints));
            return this;
        }

        /** One or more Istio resources (VirtualService / DestinationRule of any served version), {@code ---}-separated. */
        Builder yaml(String yaml) {
            for (String doc : yaml.split("(?m)^---\\s*$")) {
                if (doc.isBlank()) {
                    continue;
                }
                Object parsed = Serialization.unmarshal(doc);
                if (!(parsed instanceof HasMetadata resource)) {
                    throw new IllegalArgumentException("not a Kubernetes resource: " + doc);
                }
                String name = resource.getMetadata().getName();
                String namespace = Optional.ofNullable(resource.getMetadata().getNamespace()).orElse("default");
                if (resource instanceof io.fabric8.istio.api.networking.v1.VirtualService v) {
                    vs.add(new AppliedResource<>(name, namespace, v.getSpec()));
                } else if (resource instanceof io.fabric8.istio.api.networking.v1beta1.VirtualService v) {
                    vs.add(new AppliedResource<>(name, namespace, v.getSpec()));
                } else if (resource instanceof io.fabric8.istio.api.networking.v1alpha3.VirtualService v) {
                    vs.add(new AppliedResource<>(name, namespace, v.getSpec()));
                } else if (resource instanceof io.fabric8.istio.api.networking.v1.DestinationRule d) {
                    dr.add(new AppliedResource<>(name, namespace, d.getSpec()));
                } else if (resource instanceof io.fabric8.istio.api.networking.v1beta1.DestinationRule d) {
                    dr.add(new AppliedResource<>(name, namespace, d.getSpec()));
                } else if (resource instanceof io.fabric8.istio.api.networking.v1alpha3.DestinationRule d) {
                    dr.add(new AppliedResource<>(name, namespace, d.getSpec()));
                } else {
                    throw new IllegalArgumentException("unsupported kind " + resource.getKind() + " (" + resource.getClass() + ")");
                }
            }
            return this;
        }

        YamlMesh build() {
            return new YamlMesh(version, services, vs, dr);
        }
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public Optional<ServiceTarget> service(String callerNamespace, String host) {
        String h = host.toLowerCase();
        if (h.endsWith(".svc.cluster.local")) {
            h = h.substring(0, h.length() - ".svc.cluster.local".length());
        } else if (h.endsWith(".svc")) {
            h = h.substring(0, h.length() - ".svc".length());
        }
        String[] parts = h.split("\\.");
        if (parts.length > 2) {
            return Optional.empty();
        }
        String name = parts[0];
        String namespace = parts.length == 2 ? parts[1] : callerNamespace;
        return services.stream().filter(s -> s.name().equals(name) && s.namespace().equals(namespace)).findFirst();
    }

    @Override
    public Optional<AppliedResource<VirtualService>> virtualService(String callerNamespace, ServiceTarget service) {
        return virtualServices.stream()
                .filter(r -> r.spec().getHosts().stream().anyMatch(h -> service(r.namespace(), h).map(ServiceTarget::fqdn)
                        .filter(service.fqdn()::equals).isPresent()))
                .findFirst();
    }

    @Override
    public Optional<AppliedResource<DestinationRule>> destinationRule(String callerNamespace, ServiceTarget service) {
        return destinationRules.stream()
                .filter(r -> service(r.namespace(), r.spec().getHost()).map(ServiceTarget::fqdn).filter(service.fqdn()::equals).isPresent())
                .findFirst();
    }
}
