package io.k1s0.fault.localmesh;

import java.time.Duration;

/**
 * Reads an optional duration field of an Istio resource ({@code 250ms}, {@code 1.5s}, {@code 1m30s}) with
 * {@link GoDuration}, naming the field when the value is not a duration.
 */
final class IstioDurations {

    private IstioDurations() {}

    /** Returns null for an absent value; a zero duration stays zero (callers decide what 0 means). */
    static Duration parse(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " = '" + text
                    + "' is not a duration; allowed: a number with unit h, m, s, ms, us or ns, e.g. 250ms, 1.5s, 1m30s", e);
        }
    }
}
