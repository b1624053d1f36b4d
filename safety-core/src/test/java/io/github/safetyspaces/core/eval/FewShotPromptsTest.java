package io.github.safetyspaces.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FewShotPromptsTest {

    private static final Path TRAIN = Path.of("train.jsonl");

    @Test
    void zeroShotIsTheQuestionBlock() {
        EvalItem test = item(5, "How many legs do 2 cats have?", "#### 8");

        assertEquals("Question: How many legs do 2 cats have?\nAnswer:", FewShotPrompts.zeroShot().render(test));
    }

    @Test
    void plainIsTheBareQuestion() {
        EvalItem test = item(5, "How many legs do 2 cats have?", "#### 8");

        assertEquals("How many legs do 2 cats have?", FewShotPrompts.plain().render(test));
        assertFalse(FewShotPrompts.plain().settingsJson().get("labels").getAsBoolean());
        assertTrue(FewShotPrompts.zeroShot().settingsJson().get("labels").getAsBoolean());
    }

    @Test
    void oneShotLayout() {
        PromptSet training = new PromptSet("train", TRAIN,
                List.of(item(1, "What is 1+1?", "1+1=2\n#### 2")));
        EvalItem test = item(9, "What is 2+3?", "#### 5");

        String prompt = FewShotPrompts.draw(training, 1, 0).render(test);

        assertEquals("Question: What is 1+1?\nAnswer: 1+1=2\n#### 2\n\nQuestion: What is 2+3?\nAnswer:", prompt);
    }

    @Test
    void drawsAreSeededPerItemAndDistinct() {
        PromptSet training = trainingSet(50);
        EvalItem test = item(3, "A fresh question?", "#### 1");
        FewShotPrompts prompts = FewShotPrompts.draw(training, 5, 11);

        List<EvalItem> first = prompts.examplesFor(test);
        List<EvalItem> again = FewShotPrompts.draw(training, 5, 11).examplesFor(test);
        List<EvalItem> otherSeed = FewShotPrompts.draw(training, 5, 12).examplesFor(test);
        List<EvalItem> otherItem = prompts.examplesFor(item(4, "Another question?", "#### 1"));

        assertEquals(5, first.size());
        assertEquals(5, new HashSet<>(first).size());
        assertEquals(first, again);
        assertNotEquals(first, otherSeed);
        assertNotEquals(first, otherItem);
    }

    @Test
    void neverDrawsTheTestQuestion() {
        // The training set contains the test question twice, with other spacing; 3 shots from 5 items must skip both.
        List<EvalItem> items = new ArrayList<>();
        items.add(item(1, "Same question?", "#### 1"));
        items.add(item(2, "  Same question?\n", "#### 1"));
        for (int i = 3; i <= 5; i++) {
            items.add(item(i, "Other " + i + "?", "#### " + i));
        }
        PromptSet training = new PromptSet("train", TRAIN, items);
        EvalItem test = item(1, "Same question?", "#### 1");

        for (long seed = 0; seed < 20; seed++) {
            List<EvalItem> drawn = FewShotPrompts.draw(training, 3, seed).examplesFor(test);
            Set<Integer> rows = new HashSet<>();
            drawn.forEach(example -> rows.add(example.row()));
            assertEquals(Set.of(3, 4, 5), rows, "seed " + seed);
        }
    }

    @Test
    void tooFewOtherQuestionsIsAnError() {
        PromptSet training = new PromptSet("train", TRAIN,
                List.of(item(1, "Same?", "#### 1"), item(2, "Other?", "#### 2")));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FewShotPrompts.draw(training, 2, 0).render(item(7, "Same?", "#### 1")));

        assertTrue(error.getMessage().contains("Only 1 training examples"), error.getMessage());
        assertTrue(error.getMessage().contains("row 7"), error.getMessage());
    }

    @Test
    void drawValidatesArguments() {
        PromptSet training = trainingSet(3);
        assertThrows(IllegalArgumentException.class, () -> FewShotPrompts.draw(training, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> FewShotPrompts.draw(training, 4, 0));

        PromptSet unsolved = new PromptSet("train", TRAIN,
                List.of(new EvalItem("1", 1, "q?", Optional.empty(), Map.of())));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FewShotPrompts.draw(unsolved, 1, 0));
        assertTrue(error.getMessage().contains("no solution"), error.getMessage());
    }

    @Test
    void settingsNameTheTrainingSet() {
        var json = FewShotPrompts.draw(trainingSet(4), 2, 5).settingsJson();

        assertEquals(2, json.get("shots").getAsInt());
        assertEquals(5, json.get("seed").getAsLong());
        assertEquals("train", json.get("training_set").getAsString());
        assertEquals(4, json.get("training_items").getAsInt());
        assertFalse(FewShotPrompts.zeroShot().settingsJson().has("training_set"));
    }

    private static PromptSet trainingSet(int size) {
        List<EvalItem> items = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            items.add(item(i, "Training question " + i + "?", "#### " + i));
        }
        return new PromptSet("train", TRAIN, items);
    }

    private static EvalItem item(int row, String question, String answer) {
        return new EvalItem(String.valueOf(row), row, question, Optional.of(answer), Map.of());
    }
}
