package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MedianIntervalTest {
    private static List<Double> oneTo(int n) {
        List<Double> values = new ArrayList<>(IntStream.rangeClosed(1, n).mapToObj(i -> (double) i).toList());
        Collections.shuffle(values, new java.util.Random(7));   // the order the readings come in does not matter
        return values;
    }

    @Test
    void fifteenReadingsGiveTheFourthAndTwelfthAsA95PercentInterval() {
        // P(X <= 3) for X ~ Binomial(15, 1/2) = 576 / 32768 = 1.76 %, P(X <= 4) = 1,941 / 32768 = 5.92 %.
        MedianInterval m = MedianInterval.of(oneTo(15), 0.95);
        assertThat(m.median()).as("median of 1..15").isEqualTo(8.0);
        assertThat(m.lower()).as("lower bound: the 4th smallest").isEqualTo(4.0);
        assertThat(m.upper()).as("upper bound: the 4th largest").isEqualTo(12.0);
        assertThat(m.confidence()).as("exact coverage 1 - 2 x 576/32768").isCloseTo(1 - 2 * 576 / 32768.0, within(1e-12));
    }

    @Test
    void anEvenCountTakesTheMeanOfTheMiddleTwo() {
        MedianInterval m = MedianInterval.of(oneTo(28), 0.95);
        assertThat(m.median()).as("median of 1..28").isEqualTo(14.5);
        // P(X <= 8) = 1.79 % and P(X <= 9) = 4.36 % for Binomial(28, 1/2): ranks 9 and 20.
        assertThat(List.of(m.lower(), m.upper())).as("95 %% interval of 1..28").containsExactly(9.0, 20.0);
        assertThat(m.confidence()).as("coverage at least what was asked").isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theVerdictIsMetOnlyWhenTheWholeIntervalIsBelowTheLimit() {
        MedianInterval m = MedianInterval.of(oneTo(15), 0.95);   // [4, 12]
        assertThat(m.verdictAtMost(12)).as("upper bound on the limit").isEqualTo("yes");
        assertThat(m.verdictAtMost(11.9)).as("limit inside the interval").isEqualTo("inconclusive");
        assertThat(m.verdictAtMost(4)).as("lower bound on the limit").isEqualTo("inconclusive");
        assertThat(m.verdictAtMost(3.9)).as("limit below the interval").isEqualTo("NO");
    }

    @Test
    void tooFewReadingsForTheConfidenceAreRefusedWithTheCount() {
        // With 5 readings even [min, max] covers only 1 - 2/32 = 93.75 %.
        assertThatThrownBy(() -> MedianInterval.of(oneTo(5), 0.95)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 readings cannot give a 95 % interval").hasMessageContaining("take more rounds");
        assertThatThrownBy(() -> MedianInterval.of(List.of(), 0.95)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 readings");
        assertThat(MedianInterval.of(oneTo(6), 0.95).confidence()).as("6 readings: [min, max] covers 1 - 2/64")
                .isCloseTo(1 - 2 / 64.0, within(1e-12));
        assertThatThrownBy(() -> MedianInterval.of(oneTo(15), 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confidence must be between 0 and 1");
    }
}
