package io.github.safetyspaces.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelConfigJsonTest {

    /** The config.json published with Llama 3.2 1B. */
    static final String LLAMA_32_1B = """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
             "bos_token_id": 128000, "eos_token_id": 128001, "head_dim": 64, "hidden_act": "silu",
             "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
             "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
             "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "pretraining_tp": 1,
             "rms_norm_eps": 1e-05,
             "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                              "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "transformers_version": "4.45.0.dev0", "use_cache": true, "vocab_size": 128256}
            """;

    /** The config.json published with Qwen2.5 0.5B Instruct. */
    static final String QWEN25_05B = """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
             "eos_token_id": 151645, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
             "intermediate_size": 4864, "max_position_embeddings": 32768, "max_window_layers": 21,
             "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24, "num_key_value_heads": 2,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "transformers_version": "4.43.1", "use_cache": true,
             "use_sliding_window": false, "vocab_size": 151936}
            """;

    @Test
    void parsesLlama32() {
        ModelConfig config = ModelConfigJson.parse(LLAMA_32_1B, "llama");
        assertEquals(ModelArchitecture.LLAMA, config.architecture());
        assertEquals(8, config.numKvHeads());
        assertEquals(64, config.headDim());
        assertEquals(new RopeScaling(32, 1, 4, 8192), config.ropeScaling());
        assertTrue(config.tieWordEmbeddings());
        assertFalse(config.qkvBias());
        assertEquals(128000, config.bosTokenId());
        assertEquals(List.of(128001), config.eosTokenIds());
        assertEquals("bfloat16", config.torchDtype());
        // Published size of Llama 3.2 1B: 1,235,814,400 parameters.
        assertEquals(1_235_814_400L, config.parameterCount());
    }

    @Test
    void parsesQwen25() {
        ModelConfig config = ModelConfigJson.parse(QWEN25_05B, "qwen");
        assertEquals(ModelArchitecture.QWEN2, config.architecture());
        assertEquals(64, config.headDim(), "hidden_size / num_attention_heads");
        assertTrue(config.qkvBias());
        assertFalse(config.outputBias());
        assertNull(config.ropeScaling());
        assertEquals(1_000_000.0, config.ropeTheta());
        // Published size of Qwen2.5 0.5B: 494,032,768 parameters.
        assertEquals(494_032_768L, config.parameterCount());
    }

    @Test
    void writtenJsonParsesToTheSameRecord() {
        for (ModelConfig config : List.of(ModelConfigJson.parse(LLAMA_32_1B, "llama"),
                ModelConfigJson.parse(QWEN25_05B, "qwen"), TinyModels.llamaBiases(), TinyModels.qwen2())) {
            assertEquals(config, ModelConfigJson.parse(ModelConfigJson.toJson(config), "round trip"));
        }
    }

    @Test
    void acceptsEosListsAndNewerRopeParameters() {
        String json = LLAMA_32_1B.replace("\"eos_token_id\": 128001", "\"eos_token_id\": [128001, 128008, 128009]")
                .replace("\"rope_theta\": 500000.0,", "")
                .replace("\"rope_scaling\"", "\"rope_parameters\"")
                .replace("\"rope_type\": \"llama3\"}", "\"rope_type\": \"llama3\", \"rope_theta\": 500000.0}");
        ModelConfig config = ModelConfigJson.parse(json, "llama");
        assertEquals(List.of(128001, 128008, 128009), config.eosTokenIds());
        assertEquals(500000.0, config.ropeTheta());
        assertEquals(32.0, config.ropeScaling().factor());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"LlamaForCausalLM\"|\"MistralForCausalLM\"|unsupported architecture 'MistralForCausalLM'",
        "\"rope_type\": \"llama3\"|\"rope_type\": \"yarn\"|unsupported rope_scaling type 'yarn'",
        "\"hidden_act\": \"silu\"|\"hidden_act\": \"gelu\"|unsupported hidden_act 'gelu'",
        "\"hidden_size\": 2048|\"hidden_size\": \"2048\"|hidden_size must be an integer, got \"2048\"",
        "\"num_key_value_heads\": 8|\"num_key_value_heads\": 5|num_attention_heads (32) must be a multiple of num_key_value_heads (5)",
        "\"vocab_size\": 128256|\"vocab_sizes\": 128256|missing field vocab_size",
        "\"torch_dtype\": \"bfloat16\"|\"torch_dtype\": \"int8\"|Unsupported torch_dtype 'int8'",
        "\"rms_norm_eps\": 1e-05|\"rms_norm_eps\": -1|rms_norm_eps must be a positive number, got -1.0",
        "\"model_type\": \"llama\"|\"model_type\": \"qwen2\"|architectures LlamaForCausalLM contradicts model_type qwen2",
        "\"bos_token_id\": 128000|\"bos_token_id\": 999999|bos_token_id 999999 is outside the vocabulary",
    })
    void rejectsUnsupportedValuesByName(String original, String replacement, String expectedMessage) {
        assertTrue(LLAMA_32_1B.contains(original), original);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelConfigJson.parse(LLAMA_32_1B.replace(original, replacement), "bad/config.json"));
        assertTrue(error.getMessage().startsWith("Invalid model configuration bad/config.json: "), error.getMessage());
        assertTrue(error.getMessage().contains(expectedMessage), error.getMessage());
    }

    @Test
    void rejectsSlidingWindowQwen() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ModelConfigJson.parse(
                QWEN25_05B.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true"), "qwen"));
        assertTrue(error.getMessage().contains("use_sliding_window"), error.getMessage());
    }

    @Test
    void rejectsInvalidJson() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelConfigJson.parse("{\"hidden_size\": ", "truncated.json"));
        assertTrue(error.getMessage().contains("truncated.json"), error.getMessage());
    }

    @Test
    void layerIndexParsedFromTensorName() {
        assertEquals(java.util.OptionalInt.of(0), WeightNames.layerIndex("model.layers.0.mlp.up_proj.weight"));
        assertEquals(java.util.OptionalInt.of(27), WeightNames.layerIndex(WeightNames.qProj(27)));
        assertEquals(java.util.OptionalInt.empty(), WeightNames.layerIndex(WeightNames.EMBED_TOKENS));
        assertEquals(java.util.OptionalInt.empty(), WeightNames.layerIndex("lm_head.weight"));
        assertEquals(java.util.OptionalInt.empty(), WeightNames.layerIndex("layers.3.weight"), "no model. prefix");
    }

    @Test
    void llama3ScalingKeepsDividesAndBlendsByBand() {
        RopeScaling scaling = new RopeScaling(32, 1, 4, 8192);
        // Wavelength 2*pi is far below 8192 / 4: unchanged.
        assertEquals(1.0, scaling.scale(1.0), 1e-15);
        // Wavelength 2*pi*10^5 is above 8192: divided by the factor.
        assertEquals(1e-5 / 32, scaling.scale(1e-5), 1e-20);
        // Wavelength 4096 lies between 2048 and 8192: 8192/4096 = 2 is one third of the way from 1 to 4.
        double frequency = 2 * Math.PI / 4096;
        assertEquals(frequency / 3 + 2 * frequency / 3 / 32, scaling.scale(frequency), 1e-15);
    }

    /** Found by fuzzing: bytes that are not UTF-8 escaped as an UncheckedIOException, as if the disk had failed. */
    @Test
    void rejectsAFileThatIsNotUtf8AsInvalid(@TempDir Path directory) throws IOException {
        byte[] text = LLAMA_32_1B.getBytes(StandardCharsets.UTF_8);
        text[text.length - 4] = (byte) 0xF8;
        Path file = Files.write(directory.resolve("config.json"), text);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ModelConfigJson.read(file));

        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("not valid UTF-8"), error.getMessage());
    }

    /** Found by fuzzing: zero heads without head_dim divided by zero before any check ran. */
    @Test
    void zeroHeadsWithoutHeadDimIsRejected() {
        String json = "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 32, \"intermediate_size\": 40,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 0, \"vocab_size\": 10}";

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelConfigJson.parse(json, "zero-heads.json"));

        assertTrue(error.getMessage().contains("num_attention_heads must be positive, got 0"), error.getMessage());
    }
}
