/**
 * Evaluation of fine-tuned models for utility and harmfulness.
 *
 * <p>Prompt sets ({@link io.github.safetyspaces.core.eval.PromptSet}) are read from data files with a
 * field mapping. A task ({@link io.github.safetyspaces.core.eval.EvaluationTask}) turns each item into
 * an instruction and scores the completions:
 * {@link io.github.safetyspaces.core.eval.UtilityTask} (GSM8K answer accuracy under strict and
 * flexible extraction), {@link io.github.safetyspaces.core.eval.KeywordHarmfulnessTask} (attack
 * success rate by refusal keywords), {@link io.github.safetyspaces.core.eval.RubricHarmfulnessTask}
 * (a 1-5 score from an LLM judge behind an OpenAI-compatible endpoint) and
 * {@link io.github.safetyspaces.core.eval.OverRefusalTask} (refusal rate on safe prompts).
 * {@link io.github.safetyspaces.core.eval.Evaluator} renders the prompts with a template, generates
 * and scores, and {@link io.github.safetyspaces.core.eval.EvaluationWriter} writes the per-sample
 * JSON Lines file and the summary beside it.
 */
package io.github.safetyspaces.core.eval;
