package io.k1s0.fault.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A percentage between 0 and 100, written "5%" or 5 in the YAML. */
public record Percent(double value) {

    public Percent {
        if (Double.isNaN(value) || value < 0 || value > 100) {
            throw new InvalidValueException(Values.number(value) + "% is out of range; allowed: 0% to 100%");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Percent of(Object raw) {
        if (raw instanceof Number n) {
            return new Percent(n.doubleValue());
        }
        if (raw instanceof String s) {
            return Values.percent(s);
        }
        throw new InvalidValueException("wrong type: got " + Values.describe(raw) + "; allowed: a percentage such as 5% or 5");
    }

    public double fraction() {
        return value / 100.0;
    }

    @JsonValue
    @Override
    public String toString() {
        return Values.number(value) + "%";
    }
}
