package io.github.safetyspaces.core.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes Hugging Face {@code config.json} files of Llama and Qwen2 models.
 *
 * <p>Fields the decoder does not use (dropout, initializer range, cache flags) are ignored when
 * read. A field whose value would change the computation in a way this project does not implement
 * (another activation, another rotary scaling, sliding-window attention) is rejected with its name
 * and value, so a model never runs with silently different numerics.
 */
public final class ModelConfigJson {

    /** Name of the configuration file in a checkpoint directory. */
    public static final String FILE_NAME = "config.json";

    private ModelConfigJson() {
    }

    /**
     * Reads a {@code config.json} file, or the one inside a checkpoint directory.
     *
     * @param path the file or its directory
     * @return the validated configuration
     * @throws IllegalArgumentException if the file is missing, is not UTF-8 JSON, or a field is invalid,
     *     naming the file, the field and its value
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public static ModelConfig read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Model configuration not found: " + file.toAbsolutePath()
                    + "; a checkpoint directory needs the config.json that transformers writes with the weights.");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            // JSON files are UTF-8 (RFC 8259), so other bytes mean a damaged or foreign file, not a failed read.
            throw new IllegalArgumentException("Invalid model configuration " + file + ": it is not valid UTF-8 ("
                    + e + "); save it as UTF-8.", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model configuration " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses the text of a {@code config.json}.
     *
     * @param json the JSON text
     * @param source where the text came from, used in error messages
     * @return the validated configuration
     * @throws IllegalArgumentException naming the source, the field and its value when it is invalid
     */
    public static ModelConfig parse(String json, String source) {
        try {
            JsonElement root = JsonParser.parseString(json);
            if (!root.isJsonObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            return fromJson(root.getAsJsonObject());
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("Invalid model configuration " + source + ": " + e.getMessage(), e);
        }
    }

    private static ModelConfig fromJson(JsonObject json) {
        ModelArchitecture architecture = architecture(json);

        // Activation and attention variants the decoder does not implement.
        String activation = optionalString(json, "hidden_act", "silu");
        if (!activation.equals("silu")) {
            throw new IllegalArgumentException("unsupported hidden_act '" + activation + "': only silu (SwiGLU) is implemented");
        }
        if (architecture == ModelArchitecture.QWEN2 && optionalBoolean(json, "use_sliding_window", false)) {
            throw new IllegalArgumentException("unsupported use_sliding_window true: sliding-window attention is not implemented");
        }

        // Shapes.
        int hiddenSize = requiredInt(json, "hidden_size");
        int numHeads = requiredInt(json, "num_attention_heads");
        int numKvHeads = optionalInt(json, "num_key_value_heads", numHeads);
        int headDim;
        if (isPresent(json, "head_dim")) {
            headDim = requiredInt(json, "head_dim");
        } else {
            // Checked here although ModelConfig checks it too, because the division below comes first.
            if (numHeads <= 0) {
                throw new IllegalArgumentException("num_attention_heads must be positive, got " + numHeads);
            }
            if (hiddenSize % numHeads != 0) {
                throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                        + numHeads + " and head_dim is not given");
            }
            headDim = hiddenSize / numHeads;
        }

        // Rotary embedding: older files keep rope_theta at the top level, newer ones in rope_parameters.
        JsonObject ropeParameters = isPresent(json, "rope_parameters") ? object(json, "rope_parameters") : null;
        double ropeTheta = ropeParameters != null && isPresent(ropeParameters, "rope_theta")
                ? requiredDouble(ropeParameters, "rope_theta")
                : optionalDouble(json, "rope_theta", 10000.0);
        JsonObject scalingJson = isPresent(json, "rope_scaling") ? object(json, "rope_scaling") : ropeParameters;
        RopeScaling ropeScaling = scalingJson == null ? null : ropeScaling(scalingJson);

        // Biases: Qwen2 always has query/key/value biases; Llama follows attention_bias and mlp_bias.
        boolean qkvBias;
        boolean outputBias;
        if (architecture == ModelArchitecture.QWEN2) {
            qkvBias = true;
            outputBias = false;
        } else {
            qkvBias = optionalBoolean(json, "attention_bias", false);
            outputBias = qkvBias;
        }
        boolean mlpBias = architecture == ModelArchitecture.LLAMA && optionalBoolean(json, "mlp_bias", false);

        // Tokens and storage.
        Integer bos = isPresent(json, "bos_token_id") ? requiredInt(json, "bos_token_id") : null;
        List<Integer> eos = eosIds(json);
        String dtype = isPresent(json, "torch_dtype") ? requiredString(json, "torch_dtype")
                : optionalString(json, "dtype", "float32");

        int defaultMaxPositions = architecture == ModelArchitecture.QWEN2 ? 32768 : 2048;
        return new ModelConfig(architecture, hiddenSize, requiredInt(json, "intermediate_size"),
                requiredInt(json, "num_hidden_layers"), numHeads, numKvHeads, headDim,
                optionalDouble(json, "rms_norm_eps", 1e-6), ropeTheta, ropeScaling,
                optionalInt(json, "max_position_embeddings", defaultMaxPositions), qkvBias, outputBias, mlpBias,
                optionalBoolean(json, "tie_word_embeddings", false), requiredInt(json, "vocab_size"), bos, eos,
                dtype.toLowerCase(Locale.ROOT));
    }

    private static ModelArchitecture architecture(JsonObject json) {
        ModelArchitecture fromType = null;
        if (isPresent(json, "model_type")) {
            String modelType = requiredString(json, "model_type");
            fromType = ModelArchitecture.forModelType(modelType).orElseThrow(() -> new IllegalArgumentException(
                    "unsupported model_type '" + modelType + "': supported are llama and qwen2"));
        }
        if (!isPresent(json, "architectures")) {
            if (fromType == null) {
                throw new IllegalArgumentException("missing field architectures (and model_type)");
            }
            return fromType;
        }
        JsonElement element = json.get("architectures");
        if (!element.isJsonArray() || element.getAsJsonArray().size() != 1) {
            throw new IllegalArgumentException("architectures must be a list of one class name, got " + element);
        }
        String className = stringValue("architectures", element.getAsJsonArray().get(0));
        ModelArchitecture architecture = ModelArchitecture.forClassName(className).orElseThrow(() ->
                new IllegalArgumentException("unsupported architecture '" + className
                        + "': supported are LlamaForCausalLM and Qwen2ForCausalLM"));
        if (fromType != null && fromType != architecture) {
            throw new IllegalArgumentException("architectures " + className + " contradicts model_type "
                    + fromType.modelType());
        }
        return architecture;
    }

    private static RopeScaling ropeScaling(JsonObject json) {
        String type = isPresent(json, "rope_type") ? requiredString(json, "rope_type")
                : optionalString(json, "type", "default");
        switch (type) {
            case "default":
                return null;
            case RopeScaling.LLAMA3:
                return new RopeScaling(requiredDouble(json, "factor"), requiredDouble(json, "low_freq_factor"),
                        requiredDouble(json, "high_freq_factor"), requiredInt(json, "original_max_position_embeddings"));
            default:
                throw new IllegalArgumentException("unsupported rope_scaling type '" + type
                        + "': supported are none and llama3");
        }
    }

    private static List<Integer> eosIds(JsonObject json) {
        List<Integer> ids = new ArrayList<>();
        if (!isPresent(json, "eos_token_id")) {
            return ids;
        }
        JsonElement element = json.get("eos_token_id");
        if (element.isJsonArray()) {
            for (JsonElement id : element.getAsJsonArray()) {
                ids.add(intValue("eos_token_id", id));
            }
        } else {
            ids.add(intValue("eos_token_id", element));
        }
        return ids;
    }

    /**
     * Writes a configuration as a {@code config.json} that transformers loads.
     *
     * @param config the configuration
     * @return the JSON text, pretty-printed
     */
    public static String toJson(ModelConfig config) {
        JsonObject json = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add(config.architecture().className());
        json.add("architectures", architectures);
        json.addProperty("model_type", config.architecture().modelType());
        json.addProperty("hidden_size", config.hiddenSize());
        json.addProperty("intermediate_size", config.intermediateSize());
        json.addProperty("num_hidden_layers", config.numLayers());
        json.addProperty("num_attention_heads", config.numHeads());
        json.addProperty("num_key_value_heads", config.numKvHeads());
        json.addProperty("head_dim", config.headDim());
        json.addProperty("hidden_act", "silu");
        json.addProperty("max_position_embeddings", config.maxPositions());
        json.addProperty("rms_norm_eps", config.rmsNormEps());
        json.addProperty("rope_theta", config.ropeTheta());
        RopeScaling scaling = config.ropeScaling();
        if (scaling == null) {
            json.add("rope_scaling", null);
        } else {
            JsonObject rope = new JsonObject();
            rope.addProperty("rope_type", RopeScaling.LLAMA3);
            rope.addProperty("factor", scaling.factor());
            rope.addProperty("low_freq_factor", scaling.lowFreqFactor());
            rope.addProperty("high_freq_factor", scaling.highFreqFactor());
            rope.addProperty("original_max_position_embeddings", scaling.originalMaxPositions());
            json.add("rope_scaling", rope);
        }
        if (config.architecture() == ModelArchitecture.LLAMA) {
            json.addProperty("attention_bias", config.qkvBias());
            json.addProperty("mlp_bias", config.mlpBias());
            json.addProperty("pretraining_tp", 1);
        } else {
            json.addProperty("use_sliding_window", false);
        }
        json.addProperty("attention_dropout", 0.0);
        json.addProperty("tie_word_embeddings", config.tieWordEmbeddings());
        json.addProperty("vocab_size", config.vocabSize());
        if (config.bosTokenId() != null) {
            json.addProperty("bos_token_id", config.bosTokenId());
        }
        List<Integer> eos = config.eosTokenIds();
        if (eos.size() == 1) {
            json.addProperty("eos_token_id", eos.get(0));
        } else if (!eos.isEmpty()) {
            JsonArray ids = new JsonArray();
            eos.forEach(ids::add);
            json.add("eos_token_id", ids);
        }
        json.addProperty("torch_dtype", config.torchDtype());
        json.addProperty("use_cache", true);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json) + "\n";
    }

    // Typed field access: every failure names the field and the value found.

    private static boolean isPresent(JsonObject json, String field) {
        return json.has(field) && !json.get(field).isJsonNull();
    }

    private static JsonObject object(JsonObject json, String field) {
        JsonElement element = json.get(field);
        if (!element.isJsonObject()) {
            throw new IllegalArgumentException(field + " must be an object or null, got " + element);
        }
        return element.getAsJsonObject();
    }

    private static int requiredInt(JsonObject json, String field) {
        if (!isPresent(json, field)) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return intValue(field, json.get(field));
    }

    private static int optionalInt(JsonObject json, String field, int defaultValue) {
        return isPresent(json, field) ? intValue(field, json.get(field)) : defaultValue;
    }

    private static int intValue(String field, JsonElement element) {
        if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isNumber()) {
            double value = element.getAsDouble();
            if (value == Math.rint(value) && Math.abs(value) <= Integer.MAX_VALUE) {
                return (int) value;
            }
        }
        throw new IllegalArgumentException(field + " must be an integer, got " + element);
    }

    private static double requiredDouble(JsonObject json, String field) {
        if (!isPresent(json, field)) {
            throw new IllegalArgumentException("missing field " + field);
        }
        JsonElement element = json.get(field);
        if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isNumber()) {
            return element.getAsDouble();
        }
        throw new IllegalArgumentException(field + " must be a number, got " + element);
    }

    private static double optionalDouble(JsonObject json, String field, double defaultValue) {
        return isPresent(json, field) ? requiredDouble(json, field) : defaultValue;
    }

    private static boolean optionalBoolean(JsonObject json, String field, boolean defaultValue) {
        if (!isPresent(json, field)) {
            return defaultValue;
        }
        JsonElement element = json.get(field);
        if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isBoolean()) {
            return element.getAsBoolean();
        }
        throw new IllegalArgumentException(field + " must be true or false, got " + element);
    }

    private static String requiredString(JsonObject json, String field) {
        if (!isPresent(json, field)) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return stringValue(field, json.get(field));
    }

    private static String optionalString(JsonObject json, String field, String defaultValue) {
        return isPresent(json, field) ? stringValue(field, json.get(field)) : defaultValue;
    }

    private static String stringValue(String field, JsonElement element) {
        if (element instanceof JsonPrimitive primitive && primitive.isString()) {
            return primitive.getAsString();
        }
        throw new IllegalArgumentException(field + " must be a string, got " + element);
    }
}
