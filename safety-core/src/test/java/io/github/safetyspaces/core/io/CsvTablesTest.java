package io.github.safetyspaces.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CsvTablesTest {

    @Test
    void numbersKeepSixSignificantDigits() {
        assertEquals("0.01", CsvTables.formatNumber(0.01));
        assertEquals("1", CsvTables.formatNumber(1.0));
        assertEquals("0", CsvTables.formatNumber(0.0));
        assertEquals("0.0166667", CsvTables.formatNumber(1.0 / 60));
        assertEquals("-2.5", CsvTables.formatNumber(-2.5));
        assertEquals("123457", CsvTables.formatNumber(123456.7));
        assertEquals("0.000001", CsvTables.formatNumber(1e-6));
    }

    @Test
    void nonFiniteNumbersNamed() {
        assertEquals("NaN", CsvTables.formatNumber(Double.NaN));
        assertEquals("Infinity", CsvTables.formatNumber(Double.POSITIVE_INFINITY));
    }
}
