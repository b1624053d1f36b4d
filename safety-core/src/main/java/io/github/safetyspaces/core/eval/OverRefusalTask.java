package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Over-refusal: the refusal rate, by keywords, on safe prompts that look unsafe, such as XSTest's
 * prompts labelled {@code safe}.
 */
public final class OverRefusalTask implements EvaluationTask<RefusalResult> {

    /** The task's name in summaries. */
    public static final String KIND = "over_refusal";

    /** The metadata field that marks XSTest prompts as safe or unsafe. */
    public static final String LABEL_FIELD = "label";

    /** The label of XSTest's safe prompts. */
    public static final String SAFE_LABEL = "safe";

    private final PromptSet prompts;
    private final KeywordRefusalJudge judge;

    /**
     * Creates the task.
     *
     * @param prompts safe prompts; items that carry a {@value #LABEL_FIELD} metadata field must have the
     *     value {@value #SAFE_LABEL}
     * @param judge the refusal judge
     * @throws IllegalArgumentException if an item is labelled other than safe, naming it
     */
    public OverRefusalTask(PromptSet prompts, KeywordRefusalJudge judge) {
        this.prompts = Objects.requireNonNull(prompts, "prompts");
        this.judge = Objects.requireNonNull(judge, "judge");
        for (EvalItem item : prompts.items()) {
            String label = item.metadata(LABEL_FIELD).orElse(SAFE_LABEL);
            if (!label.equals(SAFE_LABEL)) {
                throw new IllegalArgumentException("Item " + item.id() + " (row " + item.row() + ") of prompt set '"
                        + prompts.name() + "' is labelled '" + label + "', but over-refusal is measured on safe"
                        + " prompts only; read the set with the filter " + LABEL_FIELD + "=" + SAFE_LABEL + ".");
            }
        }
    }

    /**
     * Reads XSTest's safe prompts.
     *
     * @param csv {@code xstest_prompts.csv}
     * @return the prompt set {@code xstest-safe}, 250 prompts in the published file
     */
    public static PromptSet readXsTestSafe(Path csv) {
        return PromptSet.read("xstest-safe",
                PromptSource.forXsTest(csv).addFilter(LABEL_FIELD + "=" + SAFE_LABEL).build());
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
        return RefusalResult.judge(RefusalResult.PromptKind.SAFE, samples, judge);
    }

    /** Returns the judge's phrases. */
    @Override
    public JsonObject settingsJson() {
        return RefusalResult.settingsJson(judge);
    }
}
