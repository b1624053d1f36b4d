package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Builds k-shot question prompts: k solved examples drawn from a training set, then the test
 * question. With k = 2 the text is
 *
 * <pre>
 * Question: {example question 1}
 * Answer: {example solution 1}
 *
 * Question: {example question 2}
 * Answer: {example solution 2}
 *
 * Question: {test question}
 * Answer:</pre>
 *
 * that is, each block is {@value #QUESTION_PREFIX}, the question, a line break, {@value #ANSWER_LABEL},
 * a space and the full solution (GSM8K's worked solution with its {@code #### N} line), and blocks are
 * separated by {@link #SEPARATOR} (a blank line). The test question's block ends after
 * {@value #ANSWER_LABEL}, with no space. With k = 0 only the test block remains.
 *
 * <p>Examples are drawn for each test item with a seed derived from the set's seed and the item's
 * row, so an item gets the same examples whatever subset of the test set is evaluated. A training
 * example whose question equals the test question (ignoring surrounding whitespace) is never drawn,
 * and no example is drawn twice for one item.
 */
public final class FewShotPrompts {

    /** Text before each question. */
    public static final String QUESTION_PREFIX = "Question: ";

    /** Text before each solution, and the end of the prompt. */
    public static final String ANSWER_LABEL = "Answer:";

    /** Text between two question blocks. */
    public static final String SEPARATOR = "\n\n";

    /**
     * Stop strings for generation with these prompts: after its answer, a model that learned the
     * layout tends to write the next question, which is cut off here.
     */
    public static final List<String> STOP_STRINGS = List.of(SEPARATOR + "Question:");

    private final PromptSet trainingSet; // null for zero-shot prompts
    private final List<EvalItem> training;
    private final int shots;
    private final long seed;
    private final Map<String, Set<Integer>> trainingIndicesByQuestion;
    private final boolean labelled;

    private FewShotPrompts(PromptSet trainingSet, int shots, long seed) {
        this(trainingSet, shots, seed, true);
    }

    private FewShotPrompts(PromptSet trainingSet, int shots, long seed, boolean labelled) {
        this.labelled = labelled;
        this.trainingSet = trainingSet;
        this.training = trainingSet == null ? List.of() : trainingSet.items();
        this.shots = shots;
        this.seed = seed;
        this.trainingIndicesByQuestion = new HashMap<>();
        for (int i = 0; i < this.training.size(); i++) {
            trainingIndicesByQuestion.computeIfAbsent(this.training.get(i).prompt().strip(), key -> new HashSet<>())
                    .add(i);
        }
    }

    /**
     * Returns prompts with no examples: the test block alone.
     *
     * @return the zero-shot prompts
     */
    public static FewShotPrompts zeroShot() {
        return new FewShotPrompts(null, 0, 0);
    }

    /**
     * Returns the bare question, without the {@value #QUESTION_PREFIX} and {@value #ANSWER_LABEL}
     * labels. It suits a model fine-tuned on the questions as instructions: the prompt template
     * already frames the question, and labels it never saw in training shift its input.
     *
     * @return the plain prompts
     */
    public static FewShotPrompts plain() {
        return new FewShotPrompts(null, 0, 0, false);
    }

    /**
     * Returns prompts with {@code shots} examples drawn from a training set.
     *
     * @param training solved examples: each item's prompt is a question and its reference the full solution
     * @param shots the number of examples per prompt, at least 0
     * @param seed the seed of the draws
     * @return the prompts
     * @throws IllegalArgumentException if {@code shots} is negative or exceeds the training set's size, or
     *     a training item has no reference (naming its row)
     */
    public static FewShotPrompts draw(PromptSet training, int shots, long seed) {
        Objects.requireNonNull(training, "training");
        if (shots < 0) {
            throw new IllegalArgumentException("The number of shots must be at least 0, got " + shots + ".");
        }
        if (shots > training.size()) {
            throw new IllegalArgumentException("Cannot draw " + shots + " examples from the training set '"
                    + training.name() + "' of " + training.size() + " items; lower the number of shots.");
        }
        for (EvalItem item : training.items()) {
            if (item.reference().isEmpty()) {
                throw new IllegalArgumentException("Training item " + item.id() + " (row " + item.row() + ") of '"
                        + training.name() + "' has no solution; read the training set with a reference field, such"
                        + " as 'answer' for GSM8K.");
            }
        }
        return new FewShotPrompts(training, shots, seed);
    }

    /** Returns the number of examples per prompt. */
    public int shots() {
        return shots;
    }

    /**
     * Returns the training examples drawn for a test item, in prompt order.
     *
     * @param test the test item
     * @return {@link #shots()} distinct training items, none with the test item's question
     * @throws IllegalArgumentException if fewer than {@link #shots()} training items have another question
     */
    public List<EvalItem> examplesFor(EvalItem test) {
        Objects.requireNonNull(test, "test");
        if (shots == 0) {
            return List.of();
        }
        Set<Integer> excluded = trainingIndicesByQuestion.getOrDefault(test.prompt().strip(), Set.of());
        int eligible = training.size() - excluded.size();
        if (eligible < shots) {
            throw new IllegalArgumentException("Only " + eligible + " training examples differ from the question of"
                    + " test item " + test.id() + " (row " + test.row() + "), but " + shots + " are needed; use a"
                    + " larger training set or fewer shots.");
        }

        // Rejection sampling ends because at least `shots` indices are eligible, and is fast because
        // only the few copies of the test question are excluded.
        Random random = new Random(mix(seed, test.row()));
        Set<Integer> chosen = new HashSet<>();
        List<EvalItem> examples = new ArrayList<>(shots);
        while (examples.size() < shots) {
            int index = random.nextInt(training.size());
            if (!excluded.contains(index) && chosen.add(index)) {
                examples.add(training.get(index));
            }
        }
        return examples;
    }

    /**
     * Renders the prompt of a test item.
     *
     * @param test the test item
     * @return the examples and the test question in the layout of the class description
     */
    public String render(EvalItem test) {
        if (!labelled) {
            return test.prompt();
        }
        StringBuilder prompt = new StringBuilder();
        for (EvalItem example : examplesFor(test)) {
            prompt.append(QUESTION_PREFIX).append(example.prompt()).append('\n')
                    .append(ANSWER_LABEL).append(' ').append(example.reference().orElseThrow())
                    .append(SEPARATOR);
        }
        prompt.append(QUESTION_PREFIX).append(test.prompt()).append('\n').append(ANSWER_LABEL);
        return prompt.toString();
    }

    /**
     * Describes the settings for a summary.
     *
     * @return {@code shots}, {@code seed}, {@code separator} and, unless zero-shot, the training set's
     *     {@code training_set}, {@code training_source} and {@code training_items}
     */
    public JsonObject settingsJson() {
        JsonObject json = new JsonObject();
        json.addProperty("shots", shots);
        json.addProperty("labels", labelled);
        json.addProperty("seed", seed);
        json.addProperty("separator", SEPARATOR);
        if (trainingSet != null) {
            json.addProperty("training_set", trainingSet.name());
            json.addProperty("training_source", trainingSet.source().toString());
            json.addProperty("training_items", trainingSet.size());
        }
        return json;
    }

    /** Mixes the seed and a row number into a seed, with SplitMix64's finalizer, so nearby rows get unrelated draws. */
    private static long mix(long seed, long row) {
        long z = seed + (row + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
