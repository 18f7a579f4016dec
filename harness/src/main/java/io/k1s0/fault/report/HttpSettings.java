package io.k1s0.fault.report;

import java.time.Duration;

/**
 * Timeouts and retry policy shared by every outgoing call. Retries happen on 429, 5xx and I/O errors, with
 * exponential backoff starting at {@code initialBackoff}, capped at {@code maxBackoff}; a Retry-After header wins
 * when it asks for longer (up to {@code maxBackoff}).
 */
public record HttpSettings(Duration connectTimeout, Duration requestTimeout, int maxAttempts, Duration initialBackoff,
        Duration maxBackoff) {

    public HttpSettings {
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts is " + maxAttempts + "; allowed: 1..10");
        }
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
    }

    /** 5 s to connect, 15 s per request, 4 attempts, backoff 1 s doubling up to 30 s. */
    public static HttpSettings defaults() {
        return new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(15), 4, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    private static void positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " is " + d + "; it must be a positive duration");
        }
    }
}
