package io.k1s0.fault.istio;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean ...?" by Levenshtein distance over the allowed names. */
final class LintSuggestion {

    private LintSuggestion() {
    }

    static Optional<String> closest(String given, Collection<String> allowed) {
        return allowed.stream()
                .filter(candidate -> candidate.equalsIgnoreCase(given)
                        || distance(given, candidate) <= Math.max(2, candidate.length() / 3))
                .min(Comparator.comparingInt((String c) -> c.equalsIgnoreCase(given) ? 0 : 1)
                        .thenComparingInt(c -> distance(given, c)));
    }

    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + substitution);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
