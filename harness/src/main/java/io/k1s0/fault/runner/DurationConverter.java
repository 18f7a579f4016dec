package io.k1s0.fault.runner;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** {@code 90s}, {@code 2m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT2M}); positive only. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Duration d = parse(value.trim());
        if (d.isZero() || d.isNegative()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not positive; allowed: e.g. 90s, 2m, 1h, PT2M");
        }
        return d;
    }

    private static Duration parse(String value) {
        Matcher m = SIMPLE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; allowed: e.g. 90s, 2m, 1h, PT2M");
        }
    }
}
