package io.k1s0.fault.junit;

import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.MeshFaultTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.extension.Extension;

/**
 * The JUnit 5 extension behind {@link MeshFaultTest}. Test authors use the annotation; this class is public
 * only because {@code @ExtendWith} and {@code @RegisterExtension} need it. The programmatic form:
 *
 * <pre>{@code
 * @RegisterExtension
 * static MeshFaultExtension mesh = MeshFaultExtension.builder()
 *         .workloads("classpath:k1s0-topology.yaml")
 *         .resource("classpath:routing/order-server.yaml")
 *         .cleanup(CleanupMode.ON_SUCCESS)
 *         .abort("order-server", "k1s0-service", 5, 503)       // for every test of the class
 *         .build();
 * }</pre>
 *
 * The field must be static: the mesh and the class's resources are set up before any test instance exists.
 */
public final class MeshFaultExtension implements Extension {

    private final Optional<MeshOptions> programmatic;

    /** Used by {@code @ExtendWith}: options come from the test class's annotations. */
    MeshFaultExtension() {
        this.programmatic = Optional.empty();
    }

    private MeshFaultExtension(MeshOptions options) {
        this.programmatic = Optional.of(options);
    }

    /** Starts the programmatic form; see the class comment. */
    public static Builder builder() {
        return new Builder();
    }

    Optional<MeshOptions> programmatic() {
        return programmatic;
    }

    /** Options of the {@code @RegisterExtension} form; {@link #build()} validates them. */
    public static final class Builder {
        private String workloads = "";
        private final List<String> resources = new ArrayList<>();
        private CleanupMode cleanup = CleanupMode.DEFAULT;
        private final List<FaultDeclaration> faults = new ArrayList<>();

        private Builder() {}

        /** The local mesh's topology, {@code classpath:…} or {@code file:…}; see {@link MeshFaultTest#workloads()}. */
        public Builder workloads(String location) {
            this.workloads = Objects.requireNonNull(location, "workloads location");
            return this;
        }

        /** A manifest applied for the class, as {@link io.k1s0.fault.api.MeshResource}. */
        public Builder resource(String location) {
            resources.add(Objects.requireNonNull(location, "resource location"));
            return this;
        }

        /** What to keep after the class, as {@link MeshFaultTest#cleanup()}. */
        public Builder cleanup(CleanupMode mode) {
            this.cleanup = Objects.requireNonNull(mode, "cleanup mode");
            return this;
        }

        /** A delay for every test of the class, as {@link io.k1s0.fault.api.DelayFault}. */
        public Builder delay(String host, String namespace, double percent, String fixedDelay) {
            faults.add(FaultDeclaration.delay("builder delay(...)", host, namespace, percent, fixedDelay, Optional.empty()));
            return this;
        }

        /** An abort for every test of the class, as {@link io.k1s0.fault.api.AbortFault}. */
        public Builder abort(String host, String namespace, double percent, int httpStatus) {
            faults.add(FaultDeclaration.abort("builder abort(...)", host, namespace, percent, httpStatus, Optional.empty()));
            return this;
        }

        /** Scopes the fault declared last to requests whose header {@code name} equals {@code exactValue}. */
        public Builder onlyWithHeader(String name, String exactValue) {
            if (faults.isEmpty()) {
                throw new IllegalStateException("onlyWithHeader(" + name + ", " + exactValue
                        + ") scopes the fault declared before it; declare delay(...) or abort(...) first");
            }
            int last = faults.size() - 1;
            faults.set(last, faults.get(last).withHeader(new FaultDeclaration.Header(name, exactValue, "", "")));
            return this;
        }

        /**
         * @throws org.junit.jupiter.api.extension.ExtensionConfigurationException naming the option, the given
         *     value and the allowed values
         */
        public MeshFaultExtension build() {
            MeshOptions options = new MeshOptions(workloads, resources, cleanup, faults);
            Validation.check(options);
            return new MeshFaultExtension(options);
        }
    }
}
