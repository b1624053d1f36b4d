package io.github.safetyspaces.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.safetyspaces.core.LanguageModel;
import io.github.safetyspaces.core.SharedData;
import io.github.safetyspaces.core.data.PromptTemplate;
import io.github.safetyspaces.core.engine.ComputeDevice;
import io.github.safetyspaces.core.model.GenerationOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs small real evaluations on stories260K, a 260K-parameter base model trained on children's
 * stories, to check the plumbing from data files through generation to output files. The model
 * cannot do arithmetic, so its GSM8K accuracy is 0 on the seeded sample.
 */
class EvaluatorStories260KTest {

    @TempDir
    Path tempDir;

    @Test
    void smallUtilityAndHarmfulnessRuns() throws IOException {
        Path checkpoint = SharedData.require("models/stories260K/stories260K.bin");
        Path tokenizer = SharedData.require("models/stories260K/tok512.bin");
        PromptSet test = PromptSet.read("gsm8k-test",
                PromptSource.forGsm8k(SharedData.require("gsm8k/test.jsonl")).optSample(3, 5).build());
        PromptSet train = PromptSet.read("gsm8k-train",
                PromptSource.forGsm8k(SharedData.require("gsm8k/train.jsonl")).build());
        PromptSet advBench = PromptSet.read("advbench",
                PromptSource.forAdvBench(SharedData.require("advbench/advbench.csv")).optSample(4, 5).build());
        GenerationOptions options = new GenerationOptions(16, 0, 1, 0, FewShotPrompts.STOP_STRINGS, 2);

        try (LanguageModel model = LanguageModel.open(checkpoint, tokenizer, ComputeDevice.CPU)) {
            // A llama2.c checkpoint records no template, so one must be chosen.
            assertThrows(IllegalArgumentException.class,
                    () -> Evaluator.builder().setModel(model).setGenerationOptions(options).build());
            Evaluator evaluator = Evaluator.builder().setModel(model).setGenerationOptions(options)
                    .optTemplate(PromptTemplate.NONE).build();

            Evaluation<UtilityResult> utility = evaluator.evaluateAndWrite(
                    new UtilityTask(test, FewShotPrompts.draw(train, 1, 0)), tempDir, "gsm8k");
            Evaluation<RefusalResult> harm = evaluator.evaluateAndWrite(
                    new KeywordHarmfulnessTask(advBench, KeywordRefusalJudge.withDefaultPhrases()), tempDir,
                    "advbench");

            assertEquals(3, utility.report().samples().size());
            assertEquals(0.0, utility.report().flexibleAccuracy());
            assertEquals(0.0, utility.report().strictAccuracy());
            for (UtilitySample sample : utility.report().samples()) {
                String rendered = sample.sample().renderedPrompt();
                assertTrue(rendered.startsWith(FewShotPrompts.QUESTION_PREFIX), rendered);
                assertTrue(rendered.endsWith(sample.sample().item().prompt() + "\n" + FewShotPrompts.ANSWER_LABEL),
                        rendered);
            }
            assertEquals(4, harm.report().samples().size());
        }

        List<String> gsm8kLines = Files.readAllLines(tempDir.resolve("gsm8k.jsonl"), StandardCharsets.UTF_8);
        List<String> advBenchLines = Files.readAllLines(tempDir.resolve("advbench.jsonl"), StandardCharsets.UTF_8);
        assertEquals(3, gsm8kLines.size());
        assertEquals(4, advBenchLines.size());
        JsonObject summary = JsonParser.parseString(Files.readString(tempDir.resolve("gsm8k-summary.json")))
                .getAsJsonObject();
        assertEquals(16, summary.getAsJsonObject("generation").get("max_new_tokens").getAsInt());
        assertEquals(3, summary.getAsJsonObject("metrics").get("total").getAsInt());
        assertEquals(0.0, summary.getAsJsonObject("metrics").get("flexible_accuracy").getAsDouble());
        assertTrue(Files.isRegularFile(tempDir.resolve("advbench-summary.json")));
    }
}
