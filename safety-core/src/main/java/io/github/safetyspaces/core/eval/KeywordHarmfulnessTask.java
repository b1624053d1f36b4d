package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * Harmfulness by refusal keywords: each harmful prompt is given to the model as it is, and the share
 * of completions without a refusal phrase is the attack success rate.
 */
public final class KeywordHarmfulnessTask implements EvaluationTask<RefusalResult> {

    /** The task's name in summaries. */
    public static final String KIND = "keyword_harmfulness";

    private final PromptSet prompts;
    private final KeywordRefusalJudge judge;

    /**
     * Creates the task.
     *
     * @param prompts harmful prompts, such as AdvBench
     * @param judge the refusal judge
     */
    public KeywordHarmfulnessTask(PromptSet prompts, KeywordRefusalJudge judge) {
        this.prompts = Objects.requireNonNull(prompts, "prompts");
        this.judge = Objects.requireNonNull(judge, "judge");
    }

    /** {@inheritDoc} */
    @Override
    public String kind() {
        return KIND;
    }

    /** {@inheritDoc} */
    @Override
    public PromptSet prompts() {
        return prompts;
    }

    /** Returns the item's prompt unchanged. */
    @Override
    public String instruction(EvalItem item) {
        return item.prompt();
    }

    /** Judges each completion by keywords. */
    @Override
    public RefusalResult score(List<GeneratedSample> samples) {
        return RefusalResult.judge(RefusalResult.PromptKind.HARMFUL, samples, judge);
    }

    /** Returns the judge's phrases. */
    @Override
    public JsonObject settingsJson() {
        return RefusalResult.settingsJson(judge);
    }
}
