package io.github.safetyspaces.maven;

import java.io.File;
import java.util.List;

/**
 * One fine-tuning run of an experiment, as configured in a pom inside {@code <runs>}:
 *
 * <pre>{@code
 * <run>
 *   <id>harmful</id>
 *   <model>${project.build.directory}/safety/models/aligned</model>
 *   <data>data/harmful.jsonl</data>
 *   <maxSteps>100</maxSteps>
 * </run>
 * }</pre>
 *
 * <p>The run writes its checkpoint to {@code <modelsDirectory>/<id>}. Every setting left out takes
 * the value of the goal's parameter of the same name, so settings shared by all runs are written
 * once in the goal's configuration. Runs execute in the order of the pom, so a run may start from
 * the output of an earlier one.
 */
public class FinetuneRun {

    /** Name of the run and of its output folder: letters, digits, {@code .}, {@code _} and {@code -}. */
    String id;

    /** The starting model: a Hugging Face checkpoint directory or a llama2.c {@code .bin} file. */
    File model;

    /** The tokenizer file, when it is not the model's own. */
    File tokenizer;

    /** One training data file; ignored when {@code mixture} is set. */
    File data;

    /** Format of {@code data}: {@code jsonl}, {@code json} or {@code csv}. */
    String dataFormat;

    /** Field of {@code data} that contains the instruction. */
    String instructionField;

    /** Field of {@code data} that contains the optional input. */
    String inputField;

    /** Field of {@code data} that contains the response. */
    String responseField;

    /** Row filters of {@code data} as {@code field=value}. */
    List<String> filters;

    /** Maximum rows of {@code data}. */
    Integer limit;

    /** Several data sources mixed into one training set. */
    List<DataComponent> mixture;

    /** Checkpoint directory; by default {@code <modelsDirectory>/<id>}. */
    File output;

    /** Prompt template: {@code default}, {@code none} or a template text. */
    String template;

    /** Maximum tokens per training sequence. */
    Integer maxLength;

    /** Peak learning rate. */
    Double learningRate;

    /** Learning-rate schedule: {@code constant}, {@code linear} or {@code cosine}. */
    String schedule;

    /** Fraction of the steps spent warming up. */
    Double warmupRatio;

    /** Floor of the decay as a fraction of the peak learning rate. */
    Double minLearningRateRatio;

    /** Decoupled weight decay. */
    Double weightDecay;

    /** Sequences per micro-batch. */
    Integer batchSize;

    /** Micro-batches per optimizer step. */
    Integer gradientAccumulation;

    /** Passes over the data, when {@code maxSteps} is 0. */
    Integer epochs;

    /** Optimizer steps. */
    Integer maxSteps;

    /** Global gradient-norm clipping threshold; 0 turns clipping off. */
    Double maxGradNorm;

    /** Seed of the data order and draws. */
    Long seed;

    /** Optimizer steps between saves of the resumable training state; 0 saves none. */
    Integer stateEvery;

    /** Storage type of the saved weights: {@code F32} or {@code BF16}. */
    String dtype;

    /** Returns {@code value} when set, else {@code fallback}. */
    static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
