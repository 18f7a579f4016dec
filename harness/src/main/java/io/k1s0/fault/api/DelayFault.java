package io.k1s0.fault.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Delays a share of the requests to a service, as an Istio {@code fault.delay}: installed as a faulted copy
 * of the host's routes ahead of the originals and removed after the test. The delay is applied by the
 * caller's sidecar, so it is seen only on {@code reporter="source"} series, and it is not bounded by the
 * route's timeout.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(DelayFault.List.class)
public @interface DelayFault {

    /** The service's name, e.g. {@code order-server}. */
    String host();

    /** The service's namespace, e.g. {@code k1s0-service}. */
    String namespace();

    /** Share of requests delayed, 0–100 (may be fractional, e.g. 0.5). */
    double percent();

    /** The delay, e.g. {@code 500ms}, {@code 2s}; at least 1 ms. */
    String fixedDelay();

    /** Optional header scoping: only requests with this header (lower-case name) are eligible. */
    HeaderMatch[] when() default {};

    /** Holds repeated {@link DelayFault}s. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @interface List {
        DelayFault[] value();
    }
}
