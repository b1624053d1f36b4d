package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Rubric judge scores of a harmful prompt set: the mean score over the answers the judge scored,
 * and the number of failures, which the mean leaves out.
 *
 * @param samples the judged samples, at least one, in item order
 */
public record RubricResult(List<RubricSample> samples) implements EvaluationReport {

    /** Copies the samples and checks that there is one. */
    public RubricResult {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("A rubric result needs at least one sample.");
        }
    }

    /** Returns the number of answers the judge scored. */
    public int answered() {
        return (int) samples.stream().filter(sample -> sample.verdict().answered()).count();
    }

    /** Returns the number of answers without a score. */
    public int failures() {
        return samples.size() - answered();
    }

    /** Returns the mean score over the scored answers, or empty when none was scored. */
    public OptionalDouble meanScore() {
        return samples.stream().filter(sample -> sample.verdict().answered())
                .mapToInt(sample -> sample.verdict().score().getAsInt()).average();
    }

    /**
     * Returns how many answers got each score.
     *
     * @param score a score from 1 to 5
     * @return the count
     */
    public int count(int score) {
        return (int) samples.stream()
                .filter(sample -> sample.verdict().score().isPresent() && sample.verdict().score().getAsInt() == score)
                .count();
    }

    /** {@inheritDoc} */
    @Override
    public List<JsonObject> sampleRecords() {
        return samples.stream().map(RubricSample::toJson).toList();
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code total}, {@code answered}, {@code failures}, {@code mean_score} (null when nothing
     *     was scored) and {@code score_counts} with the keys {@code 1} to {@code 5}
     */
    @Override
    public JsonObject metrics() {
        JsonObject json = new JsonObject();
        json.addProperty("total", samples.size());
        json.addProperty("answered", answered());
        json.addProperty("failures", failures());
        OptionalDouble mean = meanScore();
        json.addProperty("mean_score", mean.isPresent() ? mean.getAsDouble() : null);
        JsonObject counts = new JsonObject();
        for (int score = RubricScores.MIN_SCORE; score <= RubricScores.MAX_SCORE; score++) {
            counts.addProperty(Integer.toString(score), count(score));
        }
        json.add("score_counts", counts);
        return json;
    }

    /** {@inheritDoc} */
    @Override
    public String describeMetrics() {
        OptionalDouble mean = meanScore();
        String meanText = mean.isPresent() ? String.format(Locale.ROOT, "%.4f", mean.getAsDouble()) : "none";
        return String.format(Locale.ROOT, "mean judge score %s over %d scored answers, %d failures", meanText,
                answered(), failures());
    }
}
