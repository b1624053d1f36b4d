package io.github.safetyspaces.core.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.fuzz.FuzzInputs;
import io.github.safetyspaces.core.fuzz.ReaderFuzzTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link InstructionData#read} on JSON Lines, JSON and CSV files: any file either gives at
 * least one example within the requested limit and range, or is rejected with
 * {@link IllegalArgumentException}. The first input byte chooses the format and the second the
 * settings (a filter, a range, a seed, a limit); the rest is the file. Stored inputs:
 * {@code src/test/resources/io/github/safetyspaces/core/data/DataFileFuzzTestInputs/read}.
 */
class DataFileFuzzTest {

    private static final DataFormat[] FORMATS = DataFormat.values();

    @ReaderFuzzTest
    void read(byte[] bytes) {
        if (bytes.length < 2) {
            return;
        }
        DataFormat format = FORMATS[(bytes[0] & 0xFF) % FORMATS.length];
        int settings = bytes[1] & 0xFF;
        Path file = FuzzInputs.write("data." + format.extension(), Arrays.copyOfRange(bytes, 2, bytes.length));

        // Settings.
        DataSource.Builder builder = DataSource.builder().setPath(file).optFormat(format);
        if ((settings & 1) != 0) {
            builder.addFilter("label=1");
        }
        if ((settings & 2) != 0) {
            builder.optRange(new RowRange(2, 3));
        }
        if ((settings & 4) != 0) {
            builder.optSeed(settings);
        }
        if ((settings & 8) != 0) {
            builder.optLimit(2);
        }
        if ((settings & 16) != 0) {
            builder.optNoInputField();
        }
        DataSource source = builder.build();

        // Read.
        List<InstructionExample> examples;
        try {
            examples = InstructionData.read(source);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertFalse(examples.isEmpty(), "read returned no examples instead of rejecting the file");
        if ((settings & 8) != 0) {
            assertTrue(examples.size() <= 2, () -> examples.size() + " examples past the limit of 2");
        }
        for (InstructionExample example : examples) {
            if ((settings & 2) != 0) {
                assertTrue(example.row() >= 2, () -> "row " + example.row() + " before the range 2-3");
                assertTrue(example.row() <= 3, () -> "row " + example.row() + " after the range 2-3");
            }
        }
    }
}
