package io.k1s0.fault.experiment;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.lang3.StringUtils;

/** Parsing of the YAML's scalar forms (durations, percentages, counts) and did-you-mean hints. */
final class Values {

    static final String DURATION_FORMS = "a number with unit ms, s, m or h such as 500ms, 30s, 5m, 1h";
    private static final Pattern DURATION = Pattern.compile("(-?\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final Pattern PERCENT = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*%?");

    private Values() {
    }

    static Duration duration(String text) {
        String trimmed = text == null ? "" : text.trim();
        Matcher m = DURATION.matcher(trimmed);
        if (!m.matches()) {
            throw new InvalidValueException("\"" + text + "\" is not a duration; allowed: " + DURATION_FORMS);
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        if (amount.signum() < 0) {
            throw new InvalidValueException("\"" + text + "\" is negative; allowed: a duration >= 0, " + DURATION_FORMS);
        }
        BigDecimal nanosPerUnit = switch (m.group(2)) {
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            default -> BigDecimal.valueOf(3_600_000_000_000L);
        };
        return Duration.ofNanos(amount.multiply(nanosPerUnit).longValueExact());
    }

    static Percent percent(String text) {
        Matcher m = PERCENT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new InvalidValueException("\"" + text + "\" is not a percentage; allowed: a number from 0 to 100, "
                    + "optionally with %, such as 5% or 0.5");
        }
        return new Percent(Double.parseDouble(m.group(1)));
    }

    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos != 0 && nanos % 3_600_000_000_000L == 0) {
            return d.toHours() + "h";
        }
        if (nanos != 0 && nanos % 60_000_000_000L == 0) {
            return d.toMinutes() + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return d.toSeconds() + "s";
        }
        return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + "ms";
    }

    /** How a value the YAML gave looks, for "got ..." in messages. */
    static String describe(Object raw) {
        if (raw instanceof java.util.Map) {
            return "a mapping";
        }
        if (raw instanceof java.util.List) {
            return "a list";
        }
        if (raw instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(raw);
    }

    static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** {@code did you mean "x"? } when one allowed word is close to the given one, else an empty string. */
    static String didYouMean(String given, Collection<String> allowed) {
        if (given == null) {
            return "";
        }
        String lower = given.toLowerCase(Locale.ROOT);
        return allowed.stream()
                .min(Comparator.comparingInt(a -> distance(lower, a.toLowerCase(Locale.ROOT))))
                .filter(best -> distance(lower, best.toLowerCase(Locale.ROOT)) <= Math.max(2, best.length() / 3))
                .map(best -> "did you mean \"" + best + "\"? ")
                .orElse("");
    }

    @SuppressWarnings("deprecation") // commons-text's replacement would be a new dependency for one call
    private static int distance(String a, String b) {
        return StringUtils.getLevenshteinDistance(a, b);
    }
}
