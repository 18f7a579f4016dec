package io.k1s0.fault.localmesh;

import java.util.random.RandomGenerator;

/** Envoy's fully jittered exponential retry back-off with Istio's defaults (base 25 ms, max 10 × base). */
final class Backoff {
    static final long BASE_MILLIS = 25;
    static final long MAX_MILLIS = 10 * BASE_MILLIS;

    private Backoff() {}

    /** Wait before retry number {@code retry} (1-based): uniform in [0, (2^retry − 1)·base), at most [0, max). */
    static long millis(int retry, RandomGenerator random) {
        long multiplier = retry >= 20 ? Long.MAX_VALUE : (1L << retry) - 1;
        long bound = multiplier > MAX_MILLIS / BASE_MILLIS ? MAX_MILLIS : multiplier * BASE_MILLIS;
        return random.nextLong(bound);
    }
}
