package io.k1s0.fault.experiment;

import java.util.Arrays;
import java.util.List;

/** Lookup of an enum constant by its YAML spelling, with an error that lists the allowed spellings. */
final class YamlEnum {

    interface Named {
        String yamlName();
    }

    private YamlEnum() {
    }

    static <E extends Enum<E> & Named> E parse(Class<E> type, String what, String given) {
        E[] constants = type.getEnumConstants();
        for (E e : constants) {
            if (e.yamlName().equals(given)) {
                return e;
            }
        }
        List<String> allowed = Arrays.stream(constants).map(Named::yamlName).toList();
        throw new InvalidValueException("\"" + given + "\" is not " + what + "; " + Values.didYouMean(given, allowed)
                + "allowed: " + String.join(", ", allowed));
    }
}
