package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.experiment.SampleSizePlanner;
import io.k1s0.fault.verdict.Judge;
import io.k1s0.fault.verdict.Ratio;

/** The experiment's sample-size seam backed by the verdict package's statistics. */
final class StatisticalSampleSizes implements SampleSizePlanner {

    @Override
    public long requiredRequests(Experiment experiment, Experiment.Expectation e) {
        double confidence = e.confidence();
        return switch (e.metric()) {
            case ABORT_FRACTION, DELAY_FRACTION -> io.k1s0.fault.verdict.SampleSizePlanner.forFraction(
                    Ratio.percent(e.fraction() * 100), Judge.DEFAULT_TOLERANCE, confidence).requests();
            // planned for a service doing at a tenth of the threshold, as a healthy one should
            case ERROR_RATE, ORGANIC_ERROR_RATE -> io.k1s0.fault.verdict.SampleSizePlanner.forRateBelow(
                    Ratio.percent(e.fraction() * 100), Ratio.percent(e.fraction() * 10), confidence).requests();
            case P99 -> io.k1s0.fault.verdict.SampleSizePlanner.forQuantile(0.99, confidence).requests();
            case RETRIES, EJECTIONS -> 1;
        };
    }
}
