package io.k1s0.fault.junit;

import java.util.Optional;

/**
 * One declared fault as written by the test author, before validation: from a {@code @DelayFault} /
 * {@code @AbortFault} annotation or from the builder. {@code origin} names where it was written, for messages.
 *
 * @param fixedDelay the delay text of a delay fault ({@code "500ms"}); null for an abort
 * @param httpStatus the status of an abort fault; 0 for a delay
 */
record FaultDeclaration(Kind kind, String origin, String host, String namespace, double percent, String fixedDelay,
                        int httpStatus, Optional<Header> header) {

    enum Kind {
        DELAY("@DelayFault"), ABORT("@AbortFault");

        private final String annotation;

        Kind(String annotation) {
            this.annotation = annotation;
        }

        String annotation() {
            return annotation;
        }
    }

    /** A header scope as written: exactly one of exact/prefix/regex should be non-empty. */
    record Header(String name, String exact, String prefix, String regex) {}

    static FaultDeclaration delay(String origin, String host, String namespace, double percent, String fixedDelay,
                                  Optional<Header> header) {
        return new FaultDeclaration(Kind.DELAY, origin, host, namespace, percent, fixedDelay, 0, header);
    }

    static FaultDeclaration abort(String origin, String host, String namespace, double percent, int httpStatus,
                                  Optional<Header> header) {
        return new FaultDeclaration(Kind.ABORT, origin, host, namespace, percent, null, httpStatus, header);
    }

    FaultDeclaration withHeader(Header h) {
        return new FaultDeclaration(kind, origin, host, namespace, percent, fixedDelay, httpStatus, Optional.of(h));
    }
}
