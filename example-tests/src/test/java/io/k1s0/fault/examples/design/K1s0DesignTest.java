package io.k1s0.fault.examples.design;

import io.k1s0.fault.api.MeshFaultTest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The team meta-annotation of the design tests: one mesh per run, built from the design's call chain
 * {@code kong → order-bff → order-server (stable, canary) → accounting-server → auth-server}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@MeshFaultTest(workloads = "classpath:k1s0-design-topology.yaml")
@interface K1s0DesignTest {}
