package io.k1s0.fault.istio;

/**
 * One VirtualService change as YAML, computed without writing anything.
 *
 * @param action CREATE when the host has no VirtualService, UPDATE otherwise
 * @param beforeYaml the stored object; empty for CREATE
 * @param afterYaml the object that would be written
 */
public record VirtualServiceChange(Action action, String namespace, String name, String beforeYaml, String afterYaml) {

    public enum Action { CREATE, UPDATE }
}
