package io.github.safetyspaces.core.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LayerSelectionTest {

    @ParameterizedTest(name = "{0} layers: {1} to {2}")
    @CsvSource({
        // L, first and last index of the default band [0.65, 0.90]: ceil(0.65 L) to floor(0.90 L).
        "32, 21, 28", // 20.8 -> 21, 28.8 -> 28
        "28, 19, 25", // 18.2 -> 19, 25.2 -> 25
        "24, 16, 21", // 15.6 -> 16, 21.6 -> 21
        "20, 13, 18", // both ends exact: 13 and 18 are included
        "5, 4, 4", // stories260K: 3.25 -> 4, 4.5 -> 4
        "10, 7, 9"}) // 6.5 -> 7, 9 exact
    void defaultBandOnKnownDepths(int layers, int first, int last) {
        List<Integer> expected = IntStream.rangeClosed(first, last).boxed().toList();

        assertEquals(expected, LayerSelection.defaultBand().resolve(layers));
    }

    @Test
    void fullBandIncludesEmbeddingAndLastLayer() {
        assertEquals(List.of(0, 1, 2, 3), LayerSelection.band(0, 1).resolve(3));
        assertEquals(List.of(0, 1, 2, 3), LayerSelection.everyLayer().resolve(3));
        assertEquals(List.of(3), LayerSelection.band(1, 1).resolve(3));
    }

    @Test
    void emptyBandIsRejected() {
        // L = 2: depths 0, 0.5 and 1, none in [0.65, 0.90].
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LayerSelection.defaultBand().resolve(2));
        assertTrue(error.getMessage().contains("selects no hidden state"), error.getMessage());
    }

    @Test
    void explicitListIsSortedAndChecked() {
        assertEquals(List.of(2, 4, 7), LayerSelection.parse("7, 2,4").resolve(8));
        assertEquals(List.of(0, 8), LayerSelection.of(List.of(8, 0)).resolve(8));
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> LayerSelection.parse("3,9").resolve(8));
        assertTrue(tooDeep.getMessage().contains("0 to 8"), tooDeep.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerSelection.parse("3,3"));
        assertThrows(IllegalArgumentException.class, () -> LayerSelection.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> LayerSelection.parse("3,x"));
        assertEquals(List.of(0, 1, 2), LayerSelection.parse("ALL").resolve(2));
    }

    @Test
    void invalidBandsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LayerSelection.band(0.9, 0.65));
        assertThrows(IllegalArgumentException.class, () -> LayerSelection.band(-0.1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> LayerSelection.band(0.5, 1.1));
        assertThrows(IllegalArgumentException.class, () -> LayerSelection.band(Double.NaN, 0.5));
    }
}
