package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * GSM8K-style utility: each test question becomes a k-shot prompt, and the completion's answer is
 * compared with the reference's {@code #### N} under strict and flexible extraction. Generation
 * usually sets {@link FewShotPrompts#STOP_STRINGS} so that the model stops before inventing the next
 * question, whose numbers flexible extraction would otherwise read.
 */
public final class UtilityTask implements EvaluationTask<UtilityResult> {

    /** The task's name in summaries. */
    public static final String KIND = "utility";

    private final PromptSet test;
    private final FewShotPrompts fewShot;

    /**
     * Creates the task, checking every reference before any generation.
     *
     * @param test the test questions, each with a reference solution that ends in {@code #### N}
     * @param fewShot the k-shot layout and examples; {@link FewShotPrompts#zeroShot()} for none
     * @throws IllegalArgumentException if a test item lacks a reference or its {@code #### N} line
     */
    public UtilityTask(PromptSet test, FewShotPrompts fewShot) {
        this.test = Objects.requireNonNull(test, "test");
        this.fewShot = Objects.requireNonNull(fewShot, "fewShot");
        for (EvalItem item : test.items()) {
            AnswerExtraction.referenceAnswer(item);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String kind() {
        return KIND;
    }

    /** {@inheritDoc} */
    @Override
    public PromptSet prompts() {
        return test;
    }

    /** Renders the item's k-shot question. */
    @Override
    public String instruction(EvalItem item) {
        return fewShot.render(item);
    }

    /** Extracts and compares the answers. */
    @Override
    public UtilityResult score(List<GeneratedSample> samples) {
        return new UtilityResult(samples.stream().map(UtilitySample::score).toList());
    }

    /** Returns the k-shot settings. */
    @Override
    public JsonObject settingsJson() {
        return fewShot.settingsJson();
    }
}
