package io.github.safetyspaces.core.report.html;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Tick values for a plot axis: multiples of 1, 2 or 5 times a power of ten, chosen so that about a
 * given number of ticks fall within the axis range. Values are exact decimals, so labels read
 * {@code 0.3} and not {@code 0.30000000000000004}.
 */
public final class AxisTicks {

    private AxisTicks() {
    }

    /**
     * Chooses ticks within [min, max].
     *
     * @param min the axis start
     * @param max the axis end, above min
     * @param target the approximate number of ticks, at least 2
     * @return the tick values in increasing order, all within [min, max]
     */
    public static List<BigDecimal> within(double min, double max, int target) {
        if (!(max > min) || Double.isInfinite(max - min)) {
            throw new IllegalArgumentException("Invalid axis range [" + min + ", " + max + "]: the end must be finite"
                    + " and above the start.");
        }
        BigDecimal step = step((max - min) / Math.max(1, target - 1));
        BigDecimal start = BigDecimal.valueOf(min).divide(step, 0, RoundingMode.CEILING).multiply(step);
        BigDecimal end = BigDecimal.valueOf(max);
        List<BigDecimal> ticks = new ArrayList<>();
        for (BigDecimal tick = start; tick.compareTo(end) <= 0; tick = tick.add(step)) {
            ticks.add(tick.stripTrailingZeros());
        }
        return ticks;
    }

    /**
     * Rounds a raw step up to 1, 2 or 5 times a power of ten.
     *
     * @param raw the step that would give exactly the target number of ticks
     * @return the step
     */
    static BigDecimal step(double raw) {
        int exponent = (int) Math.floor(Math.log10(raw));
        BigDecimal power = BigDecimal.ONE.scaleByPowerOfTen(exponent);
        double fraction = raw / power.doubleValue();
        int multiple = 10;
        if (fraction <= 1) {
            multiple = 1;
        } else if (fraction <= 2) {
            multiple = 2;
        } else if (fraction <= 5) {
            multiple = 5;
        }
        return power.multiply(BigDecimal.valueOf(multiple));
    }

    /**
     * Formats a tick label in plain notation for moderate magnitudes and scientific notation otherwise.
     *
     * @param tick the tick value
     * @return the label, such as {@code 0.25}, {@code 800} or {@code 1E-7}
     */
    public static String label(BigDecimal tick) {
        BigDecimal plain = tick.stripTrailingZeros();
        double magnitude = Math.abs(plain.doubleValue());
        if (magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e7)) {
            return plain.toString();
        }
        return plain.toPlainString();
    }
}
