package io.github.safetyspaces.core.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTicksTest {

    private static List<String> labels(double min, double max, int target) {
        return AxisTicks.within(min, max, target).stream().map(AxisTicks::label).toList();
    }

    @Test
    void ticksAreRoundValuesWithinRange() {
        assertEquals(List.of("0.2", "0.4", "0.6", "0.8"), labels(0.01, 0.99, 6));
        assertEquals(List.of("200", "400", "600", "800"), labels(1, 800, 6));
        assertEquals(List.of("-1", "-0.5", "0", "0.5", "1"), labels(-1, 1, 5));
        // A raw step of 0.115 / 5 = 0.023 rounds up to 0.05, never down, so no more than 6 ticks appear.
        assertEquals(List.of("0.3", "0.35", "0.4"), labels(0.3, 0.415, 6));
        assertEquals(List.of("0.32", "0.34", "0.36", "0.38", "0.4"), labels(0.32, 0.415, 6));
    }

    @Test
    void extremeMagnitudesUseScientificNotation() {
        assertEquals("1E-7", AxisTicks.label(new BigDecimal("0.0000001")));
        assertEquals("0.001", AxisTicks.label(new BigDecimal("0.00100")));
        assertEquals("0", AxisTicks.label(new BigDecimal("0.000")));
    }

    @Test
    void emptyRangeRejected() {
        assertThrows(IllegalArgumentException.class, () -> AxisTicks.within(1, 1, 5));
    }
}
