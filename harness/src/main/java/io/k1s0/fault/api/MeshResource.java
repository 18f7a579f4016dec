package io.k1s0.fault.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A manifest (Istio, Kubernetes or Flagger resources, multi-document YAML) the harness applies before the
 * class's tests and removes after them, per the class's {@link CleanupMode}.
 *
 * <p>Locations name their source explicitly: {@code classpath:routing/order-server.yaml} or
 * {@code file:../manifests/routing} (a file, or a directory applied in name order).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Repeatable(MeshResource.List.class)
public @interface MeshResource {

    /** {@code classpath:...} or {@code file:...}. */
    String value();

    /** Holds repeated {@link MeshResource}s. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
    @interface List {
        MeshResource[] value();
    }
}
