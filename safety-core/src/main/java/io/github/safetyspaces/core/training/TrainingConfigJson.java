package io.github.safetyspaces.core.training;

import com.google.gson.JsonObject;
import java.util.Locale;

/** The JSON form of a {@link TrainingConfig}, with the field names used in {@code training.json}. */
final class TrainingConfigJson {

    private TrainingConfigJson() {
    }

    static JsonObject toJson(TrainingConfig config) {
        JsonObject json = new JsonObject();
        json.addProperty("learning_rate", config.learningRate());
        json.addProperty("min_learning_rate_ratio", config.minLearningRateRatio());
        json.addProperty("schedule", config.schedule().name().toLowerCase(Locale.ROOT));
        json.addProperty("warmup_ratio", config.warmupRatio());
        json.addProperty("beta1", config.beta1());
        json.addProperty("beta2", config.beta2());
        json.addProperty("epsilon", config.epsilon());
        json.addProperty("weight_decay", config.weightDecay());
        json.addProperty("batch_size", config.batchSize());
        json.addProperty("gradient_accumulation", config.gradientAccumulation());
        json.addProperty("epochs", config.epochs());
        json.addProperty("max_steps", config.maxSteps());
        json.addProperty("max_grad_norm", config.maxGradNorm());
        json.addProperty("seed", config.seed());
        return json;
    }
}
