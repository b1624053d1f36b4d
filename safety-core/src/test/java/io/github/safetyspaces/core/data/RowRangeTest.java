package io.github.safetyspaces.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowRangeTest {

    @TempDir
    Path temporary;

    @Test
    void parsesFirstAndLast() {
        assertEquals(new RowRange(261, 520), RowRange.parse(" 261 - 520 "));
        assertEquals("3-3", RowRange.parse("3-3").toString());
    }

    @Test
    void rejectsMalformedRanges() {
        for (String text : List.of("", "5", "0-3", "7-2", "a-b", "1-2-3", "-4")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RowRange.parse(text),
                    text);
            assertTrue(error.getMessage().contains("1-260"), error.getMessage());
        }
    }

    @Test
    void splitsFileBeforeFilters() throws IOException {
        Path file = temporary.resolve("rows.csv");
        Files.writeString(file, "instruction,output,keep\na,1,y\nb,2,n\nc,3,y\nd,4,y\ne,5,y\n");
        DataSource middle = DataSource.builder().setPath(file).optNoInputField().addFilter("keep=y")
                .optRange(RowRange.parse("2-4")).build();
        List<InstructionExample> rows = InstructionData.read(middle);
        assertEquals(List.of("c", "d"), rows.stream().map(InstructionExample::instruction).toList());
        assertEquals(List.of(3, 4), rows.stream().map(InstructionExample::row).toList(), "rows keep file numbers");
        assertTrue(middle.describe().contains("rows 2-4"), middle.describe());
    }

    @Test
    void rangePastEndNamesFileSize() throws IOException {
        Path file = temporary.resolve("rows.jsonl");
        Files.writeString(file, "{\"instruction\": \"a\", \"output\": \"1\"}\n{\"instruction\": \"b\", \"output\": \"2\"}\n");
        DataSource source = DataSource.builder().setPath(file).optRange(RowRange.parse("2-9")).build();
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> InstructionData.read(source));
        assertTrue(error.getMessage().contains("ends after the file's 2 rows"), error.getMessage());
    }
}
