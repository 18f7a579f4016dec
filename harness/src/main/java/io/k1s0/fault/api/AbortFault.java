package io.k1s0.fault.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Answers a share of the requests to a service with an HTTP status instead of forwarding them, as an Istio
 * {@code fault.abort}. The abort happens in the caller's sidecar before the router, so it is never retried,
 * never reaches the server and never feeds outlier detection; it carries {@code response_flags="FI"}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(AbortFault.List.class)
public @interface AbortFault {

    /** The service's name, e.g. {@code order-server}. */
    String host();

    /** The service's namespace, e.g. {@code k1s0-service}. */
    String namespace();

    /** Share of requests aborted, 0–100 (may be fractional). */
    double percent();

    /** The status returned, 200–599. */
    int httpStatus();

    /** Optional header scoping: only requests with this header (lower-case name) are eligible. */
    HeaderMatch[] when() default {};

    /** Holds repeated {@link AbortFault}s. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @interface List {
        AbortFault[] value();
    }
}
