package io.github.safetyspaces.core.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The decoder families this project runs, named as Hugging Face {@code config.json} names them.
 */
public enum ModelArchitecture {
    /** Llama 2, Llama 3.x and llama2.c models. Optional biases follow {@code attention_bias} and {@code mlp_bias}. */
    LLAMA("LlamaForCausalLM", "llama"),
    /** Qwen2 and Qwen2.5: always a bias on the query, key and value projections, none elsewhere. */
    QWEN2("Qwen2ForCausalLM", "qwen2");

    private final String className;
    private final String modelType;

    ModelArchitecture(String className, String modelType) {
        this.className = className;
        this.modelType = modelType;
    }

    /** Returns the transformers class name, the value in {@code architectures}. */
    public String className() {
        return className;
    }

    /** Returns the value of {@code model_type}. */
    public String modelType() {
        return modelType;
    }

    /**
     * Finds the architecture for a transformers class name.
     *
     * @param className for example {@code LlamaForCausalLM}
     * @return the architecture, or empty when the project does not support it
     */
    public static Optional<ModelArchitecture> forClassName(String className) {
        return Arrays.stream(values()).filter(a -> a.className.equals(className)).findFirst();
    }

    /**
     * Finds the architecture for a {@code model_type} value.
     *
     * @param modelType for example {@code qwen2}
     * @return the architecture, or empty when the project does not support it
     */
    public static Optional<ModelArchitecture> forModelType(String modelType) {
        return Arrays.stream(values()).filter(a -> a.modelType.equals(modelType)).findFirst();
    }
}
