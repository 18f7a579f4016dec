package io.k1s0.fault.junit;

import io.k1s0.fault.istio.FaultSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Checks what a test author declared before anything touches the mesh, and turns valid declarations into
 * {@link FaultSpec}s. Every message names the annotation (or builder call), the attribute, the given value
 * and what is allowed.
 */
final class Validation {

    static final String DURATION_ALLOWED = "a duration like 500ms, 1.5s, 2m or 1h (units ms, s, m, h), at least 1ms";
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");

    private Validation() {}

    /**
     * Validates the declarations and groups them into one spec per host and header scope (a delay and an abort
     * on the same host become one Istio fault, as a route carries one {@code fault} block).
     *
     * @throws ExtensionConfigurationException on the first problem found
     */
    static List<FaultSpec> specs(List<FaultDeclaration> declarations) {
        Map<String, FaultDeclaration> delays = new LinkedHashMap<>();
        Map<String, FaultDeclaration> aborts = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (FaultDeclaration d : declarations) {
            checkOne(d);
            String key = d.host() + "." + d.namespace() + d.header().map(h -> " " + h).orElse("");
            Map<String, FaultDeclaration> same = d.kind() == FaultDeclaration.Kind.DELAY ? delays : aborts;
            FaultDeclaration earlier = same.putIfAbsent(key, d);
            if (earlier != null) {
                throw new ExtensionConfigurationException(d.origin() + ": two " + d.kind().annotation() + " for host "
                        + d.host() + "." + d.namespace() + scopeText(d) + " (" + describe(earlier) + " and " + describe(d)
                        + "); allowed: at most one " + d.kind().annotation() + " per host and header scope");
            }
            if (!order.contains(key)) {
                order.add(key);
            }
        }
        List<FaultSpec> specs = new ArrayList<>();
        for (String key : order) {
            Optional<FaultDeclaration> delay = Optional.ofNullable(delays.get(key));
            Optional<FaultDeclaration> abort = Optional.ofNullable(aborts.get(key));
            FaultDeclaration any = delay.orElseGet(abort::get);
            FaultSpec.Builder b = FaultSpec.builder().target(any.host(), any.namespace());
            delay.ifPresent(d -> b.delay(d.percent(), duration(d.origin(), d.fixedDelay())));
            abort.ifPresent(a -> b.abort(a.percent(), a.httpStatus()));
            any.header().ifPresent(h -> {
                if (!h.exact().isEmpty()) {
                    b.headerMatch(h.name(), FaultSpec.MatchKind.EXACT, h.exact());
                } else if (!h.prefix().isEmpty()) {
                    b.headerMatch(h.name(), FaultSpec.MatchKind.PREFIX, h.prefix());
                } else {
                    b.headerMatch(h.name(), FaultSpec.MatchKind.REGEX, h.regex());
                }
            });
            specs.add(b.build());
        }
        return specs;
    }

    /**
     * Parses a fault's delay text.
     *
     * @throws ExtensionConfigurationException naming the value and the accepted form
     */
    static Duration duration(String origin, String text) {
        Matcher m = text == null ? null : DURATION.matcher(text);
        if (m == null || !m.matches()) {
            throw new ExtensionConfigurationException(origin + ": fixedDelay is '" + text + "'; allowed: " + DURATION_ALLOWED);
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        BigDecimal millisPerUnit = switch (m.group(2)) {
            case "ms" -> BigDecimal.ONE;
            case "s" -> BigDecimal.valueOf(1_000);
            case "m" -> BigDecimal.valueOf(60_000);
            default -> BigDecimal.valueOf(3_600_000);
        };
        BigDecimal millis = amount.multiply(millisPerUnit);
        if (millis.compareTo(BigDecimal.ONE) < 0 || millis.stripTrailingZeros().scale() > 0) {
            throw new ExtensionConfigurationException(origin + ": fixedDelay is '" + text + "'; allowed: " + DURATION_ALLOWED
                    + " in whole milliseconds");
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    private static void checkOne(FaultDeclaration d) {
        String at = d.origin();
        if (d.host() == null || d.host().length() > 63 || !DNS_LABEL.matcher(d.host()).matches()) {
            throw new ExtensionConfigurationException(at + ": host is '" + d.host()
                    + "'; allowed: a Service name (DNS-1123 label: lower-case letters, digits, '-', at most 63)");
        }
        if (d.namespace() == null || d.namespace().length() > 63 || !DNS_LABEL.matcher(d.namespace()).matches()) {
            throw new ExtensionConfigurationException(at + ": namespace is '" + d.namespace()
                    + "'; allowed: a namespace name (DNS-1123 label: lower-case letters, digits, '-', at most 63)");
        }
        if (Double.isNaN(d.percent()) || d.percent() < 0 || d.percent() > 100) {
            throw new ExtensionConfigurationException(at + ": percent is " + number(d.percent()) + "; allowed: 0 to 100");
        }
        if (d.kind() == FaultDeclaration.Kind.DELAY) {
            duration(at, d.fixedDelay());
        } else if (d.httpStatus() < 200 || d.httpStatus() > 599) {
            throw new ExtensionConfigurationException(at + ": httpStatus is " + d.httpStatus() + "; allowed: 200 to 599");
        }
        d.header().ifPresent(h -> checkHeader(at, h));
    }

    private static void checkHeader(String at, FaultDeclaration.Header h) {
        if (h.name() == null || !HEADER_NAME.matcher(h.name()).matches()) {
            throw new ExtensionConfigurationException(at + ": when.name is '" + h.name()
                    + "'; allowed: a lower-case HTTP header name (Istio matches lower-case names only)");
        }
        long set = java.util.stream.Stream.of(h.exact(), h.prefix(), h.regex()).filter(v -> v != null && !v.isEmpty()).count();
        if (set != 1) {
            throw new ExtensionConfigurationException(at + ": when (header '" + h.name() + "') sets " + set
                    + " of exact, prefix, regex (exact='" + h.exact() + "', prefix='" + h.prefix() + "', regex='" + h.regex()
                    + "'); allowed: exactly one of exact, prefix, regex");
        }
        if (!h.regex().isEmpty()) {
            try {
                Pattern.compile(h.regex());
            } catch (PatternSyntaxException e) {
                throw new ExtensionConfigurationException(at + ": when.regex is '" + h.regex()
                        + "'; allowed: a valid regular expression (" + e.getDescription() + ")");
            }
        }
    }

    private static String describe(FaultDeclaration d) {
        return d.kind() == FaultDeclaration.Kind.DELAY
                ? d.fixedDelay() + " at " + number(d.percent()) + " %"
                : d.httpStatus() + " at " + number(d.percent()) + " %";
    }

    private static String scopeText(FaultDeclaration d) {
        return d.header().map(h -> " with header " + h.name()).orElse("");
    }

    static String number(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value)
                ? String.valueOf((long) value) : String.format(Locale.ROOT, "%s", value);
    }
}
