package io.github.safetyspaces.core.updatespaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpdatePairTest {

    @Test
    void parseTrimsNames() {
        UpdatePair pair = UpdatePair.parse(" useful : harmful ");

        assertEquals("useful", pair.x());
        assertEquals("harmful", pair.y());
        assertEquals("useful:harmful", pair.label());
    }

    @Test
    void invalidPairsRejectedWithText() {
        for (String text : List.of("useful", "a:b:c", ":harmful", "useful: ")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> UpdatePair.parse(text), text);
            assertTrue(error.getMessage().contains("x:y"), error.getMessage());
        }
        IllegalArgumentException self = assertThrows(IllegalArgumentException.class,
                () -> UpdatePair.parse("useful:useful"));
        assertTrue(self.getMessage().contains("itself"), self.getMessage());
    }

    @Test
    void allPairsInReportOrder() {
        assertEquals(List.of(new UpdatePair("useful", "harmful"), new UpdatePair("useful", "alignment"),
                new UpdatePair("harmful", "alignment")), UpdatePair.allOf(List.of("useful", "harmful", "alignment")));
        assertEquals(List.of(), UpdatePair.allOf(List.of("alignment")));
    }
}
