package io.github.safetyspaces.core.eval;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Answer accuracy on a GSM8K-style set under strict and flexible extraction.
 *
 * @param samples the scored samples, at least one, in item order
 */
public record UtilityResult(List<UtilitySample> samples) implements EvaluationReport {

    /** Copies the samples and checks that there is one. */
    public UtilityResult {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("A utility result needs at least one sample.");
        }
    }

    /** Returns the number of samples whose strictly extracted answer is correct. */
    public int strictCorrect() {
        return (int) samples.stream().filter(UtilitySample::strictCorrect).count();
    }

    /** Returns the number of samples whose flexibly extracted answer is correct. */
    public int flexibleCorrect() {
        return (int) samples.stream().filter(UtilitySample::flexibleCorrect).count();
    }

    /** Returns the fraction of samples whose strictly extracted answer is correct. */
    public double strictAccuracy() {
        return (double) strictCorrect() / samples.size();
    }

    /** Returns the fraction of samples whose flexibly extracted answer is correct. */
    public double flexibleAccuracy() {
        return (double) flexibleCorrect() / samples.size();
    }

    /** {@inheritDoc} */
    @Override
    public List<JsonObject> sampleRecords() {
        return samples.stream().map(UtilitySample::toJson).toList();
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code total}, {@code strict_accuracy}, {@code flexible_accuracy}, {@code strict_correct},
     *     {@code flexible_correct}, and {@code strict_found} and {@code flexible_found}, the numbers of
     *     completions from which an answer could be extracted
     */
    @Override
    public JsonObject metrics() {
        JsonObject json = new JsonObject();
        json.addProperty("total", samples.size());
        json.addProperty("strict_accuracy", strictAccuracy());
        json.addProperty("flexible_accuracy", flexibleAccuracy());
        json.addProperty("strict_correct", strictCorrect());
        json.addProperty("flexible_correct", flexibleCorrect());
        json.addProperty("strict_found", samples.stream().filter(sample -> sample.strictAnswer().isPresent()).count());
        json.addProperty("flexible_found",
                samples.stream().filter(sample -> sample.flexibleAnswer().isPresent()).count());
        return json;
    }

    /** {@inheritDoc} */
    @Override
    public String describeMetrics() {
        return String.format(Locale.ROOT, "flexible accuracy %.4f (%d/%d), strict accuracy %.4f (%d/%d)",
                flexibleAccuracy(), flexibleCorrect(), samples.size(), strictAccuracy(), strictCorrect(),
                samples.size());
    }
}
