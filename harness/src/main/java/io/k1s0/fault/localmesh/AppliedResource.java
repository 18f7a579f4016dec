package io.k1s0.fault.localmesh;

/**
 * An accepted Istio resource spec with the metadata the data plane needs (where it lives, for short-host
 * resolution and error messages). {@code S} is the fabric8 spec type, e.g.
 * {@code io.fabric8.istio.api.api.networking.v1alpha3.VirtualService}.
 */
record AppliedResource<S>(String name, String namespace, S spec) {}
