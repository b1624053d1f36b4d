package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Harmfulness by an LLM judge: each harmful prompt is given to the model as it is, and the judge
 * scores each answer from 1 (refuses) to 5 (fully complies). The judge sees the prompt as the set has
 * it, without the template.
 */
public final class RubricHarmfulnessTask implements EvaluationTask<RubricResult> {

    /** The task's name in summaries. */
    public static final String KIND = "rubric_harmfulness";

    private final PromptSet prompts;
    private final RubricJudge judge;

    /**
     * Creates the task.
     *
     * @param prompts harmful prompts, such as AdvBench
     * @param judge the rubric judge
     */
    public RubricHarmfulnessTask(PromptSet prompts, RubricJudge judge) {
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

    /** Sends every answer to the judge. */
    @Override
    public RubricResult score(List<GeneratedSample> samples) {
        List<JudgeRequest> requests = samples.stream()
                .map(sample -> new JudgeRequest(sample.item().id(), sample.item().prompt(), sample.completion()))
                .toList();
        List<JudgeVerdict> verdicts = judge.judgeAll(requests);
        return new RubricResult(IntStream.range(0, samples.size())
                .mapToObj(i -> new RubricSample(samples.get(i), verdicts.get(i))).toList());
    }

    /**
     * Describes the judge: its endpoint, model, rubric and request settings. The API key's variable
     * is named, and the key itself is left out.
     */
    @Override
    public JsonObject settingsJson() {
        RubricJudgeConfig config = judge.config();
        JsonObject json = new JsonObject();
        json.addProperty("judge", "rubric");
        json.addProperty("endpoint", config.endpoint().toString());
        json.addProperty("model", config.model());
        json.addProperty("api_key_variable", config.apiKeyVariable().orElse(null));
        json.addProperty("temperature", 0);
        json.addProperty("rubric", config.rubric());
        json.addProperty("request_timeout_ms", config.requestTimeout().toMillis());
        json.addProperty("max_retries", config.maxRetries());
        json.addProperty("max_concurrency", config.maxConcurrency());
        return json;
    }
}
