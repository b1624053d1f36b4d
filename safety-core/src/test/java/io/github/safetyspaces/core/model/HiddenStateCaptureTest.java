package io.github.safetyspaces.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.safetyspaces.core.checkpoint.FloatTensor;
import io.github.safetyspaces.core.checkpoint.InMemoryTensors;
import io.github.safetyspaces.core.checkpoint.SafetensorsFile;
import io.github.safetyspaces.core.linalg.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class HiddenStateCaptureTest {

    /** Prompts of 1 to 10 tokens; sorted by length, batches of 3 still mix lengths (10, 7, 5), (4, 3, 2), (1). */
    private static final List<int[]> PROMPTS = List.of(
            new int[] {1, 4, 9, 16, 25, 3, 7},
            new int[] {1, 2},
            new int[] {1, 20, 11, 5},
            new int[] {1},
            new int[] {1, 8, 8, 8, 8, 8, 8, 8, 8, 12},
            new int[] {1, 27, 6},
            new int[] {1, 13, 17, 19, 23});

    private static DecoderModel model;
    private static int layers;

    @BeforeAll
    static void loadModel() {
        ModelConfig config = TinyModels.llamaBiases();
        model = DecoderModel.load(config, new InMemoryTensors(TinyModels.randomWeights(config, 5, 0.8)),
                Device.cpu(), DataType.FLOAT32);
        layers = config.numLayers();
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @ParameterizedTest
    @EnumSource(PaddingSide.class)
    void batchedMatchesOnePromptAtATime(PaddingSide side) {
        List<Integer> every = IntStream.rangeClosed(0, layers).boxed().toList();

        LastTokenStates batched = new HiddenStateCapture(model, 3, side).capture(PROMPTS, every);
        LastTokenStates alone = new HiddenStateCapture(model, 1, side).capture(PROMPTS, every);

        assertEquals(every, batched.indices());
        for (int index : every) {
            assertClose(alone.states(index), batched.states(index), side + " padding, hidden state " + index);
        }
    }

    @Test
    void paddingSidesAgree() {
        List<Integer> every = IntStream.rangeClosed(0, layers).boxed().toList();

        int all = PROMPTS.size();
        LastTokenStates left = new HiddenStateCapture(model, all, PaddingSide.LEFT).capture(PROMPTS, every);
        LastTokenStates right = new HiddenStateCapture(model, all, PaddingSide.RIGHT).capture(PROMPTS, every);

        for (int index : every) {
            assertClose(left.states(index), right.states(index), "hidden state " + index);
        }
    }

    @Test
    void subsetOfIndicesMatchesFullCapture() {
        // Index 1 runs one layer only; index L needs all layers and the final norm.
        List<Integer> every = IntStream.rangeClosed(0, layers).boxed().toList();
        LastTokenStates full = new HiddenStateCapture(model, 4, PaddingSide.LEFT).capture(PROMPTS, every);

        for (int index : every) {
            LastTokenStates one = new HiddenStateCapture(model, 4, PaddingSide.LEFT).capture(PROMPTS, List.of(index));
            assertEquals(List.of(index), one.indices());
            assertArrayEquals(full.states(index).data(), one.states(index).data(), "hidden state " + index);
        }
    }

    @Test
    void lastIndexIsNormedLayerOutput() {
        int[] prompt = {1, 4, 9};
        float[] raw;
        float[] normed;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray last = model.residualStream(scope.create(new long[] {1, 4, 9}, new Shape(1, 3)), null, layers)
                    .get(layers).get(":, -1, :"); // (1, D)
            raw = last.toFloatArray();
            normed = model.finalNorm(last).toFloatArray();
        }

        float[] captured = new HiddenStateCapture(model, 1, PaddingSide.LEFT).capture(List.of(prompt), List.of(layers))
                .states(layers).data();

        assertArrayEquals(normed, captured, 1e-6f);
        // The norm must change the state for the fixture comparison below to test it.
        double largest = 0;
        for (int i = 0; i < raw.length; i++) {
            largest = Math.max(largest, Math.abs(normed[i] - raw[i]));
        }
        assertTrue(largest > 0.1, "largest difference between the normed and raw last state: " + largest);
    }

    static Stream<String> fixtureNames() {
        return Stream.of("llama-gqa", "llama-gqa-bf16", "qwen2-tied", "llama-bias");
    }

    @ParameterizedTest
    @MethodSource("fixtureNames")
    void lastTokenStatesMatchTransformers(String name) {
        try (SafetensorsFile reference = SafetensorsFile.open(
                HuggingFaceReferenceTest.fixture(name).resolve("reference.safetensors"));
                DecoderModel fixtureModel = HuggingFaceReferenceTest.load(HuggingFaceReferenceTest.fixture(name))) {
            int fixtureLayers = fixtureModel.config().numLayers();
            int width = fixtureModel.config().hiddenSize();

            // The fixture's prompts, and the packed row of each prompt's last token in the reference.
            long[] shape = reference.shape("input_ids");
            int rows = Math.toIntExact(shape[0]);
            int length = Math.toIntExact(shape[1]);
            long[] ids = reference.readLongs("input_ids");
            long[] mask = reference.readLongs("attention_mask");
            List<int[]> prompts = new ArrayList<>();
            int[] lastPackedRow = new int[rows];
            int packed = 0;
            for (int row = 0; row < rows; row++) {
                List<Integer> prompt = new ArrayList<>();
                for (int t = 0; t < length; t++) {
                    if (mask[row * length + t] == 1) {
                        prompt.add(Math.toIntExact(ids[row * length + t]));
                        packed++;
                    }
                }
                prompts.add(prompt.stream().mapToInt(Integer::intValue).toArray());
                lastPackedRow[row] = packed - 1;
            }
            assertTrue(prompts.stream().mapToInt(p -> p.length).distinct().count() > 1, "mixed prompt lengths");

            List<Integer> every = IntStream.rangeClosed(0, fixtureLayers).boxed().toList();
            LastTokenStates captured = new HiddenStateCapture(fixtureModel, rows, PaddingSide.RIGHT)
                    .capture(prompts, every);

            for (int index : every) {
                float[] all = reference.read("hidden_states." + index).data();
                float[] expected = new float[rows * width];
                for (int row = 0; row < rows; row++) {
                    System.arraycopy(all, lastPackedRow[row] * width, expected, row * width, width);
                }
                assertClose(new FloatMatrix(rows, width, expected), captured.states(index),
                        name + " hidden state " + index);
            }
        }
    }

    @Test
    void captureLeavesNothingInModelManager() {
        IntSupplier managedArrays = () -> ((BaseNDManager) model.manager()).getManagedArrays().size();
        List<Integer> every = IntStream.rangeClosed(0, layers).boxed().toList();
        new HiddenStateCapture(model, 2, PaddingSide.LEFT).capture(PROMPTS, every);
        int before = managedArrays.getAsInt();

        new HiddenStateCapture(model, 3, PaddingSide.RIGHT).capture(PROMPTS, every);

        assertEquals(before, managedArrays.getAsInt());
    }

    @Test
    void invalidRequestsAreRejected() {
        HiddenStateCapture capture = new HiddenStateCapture(model, 2, PaddingSide.LEFT);
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> capture.capture(PROMPTS, List.of(layers + 1)));
        assertTrue(tooDeep.getMessage().contains("[0, " + layers + "]"), tooDeep.getMessage());
        assertThrows(IllegalArgumentException.class, () -> capture.capture(PROMPTS, List.of()));
        assertThrows(IllegalArgumentException.class, () -> capture.capture(List.of(), List.of(0)));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> capture.capture(List.of(new int[] {1}, new int[0]), List.of(0)));
        assertTrue(empty.getMessage().contains("Prompt 1"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HiddenStateCapture(model, 0, PaddingSide.LEFT));
    }

    /** Asserts that two N x D matrices agree within the tolerance of {@link HuggingFaceReferenceTest}. */
    private static void assertClose(FloatMatrix expected, FloatMatrix actual, String label) {
        HuggingFaceReferenceTest.assertClose(tensor(expected), tensor(actual), label);
    }

    private static FloatTensor tensor(FloatMatrix matrix) {
        return new FloatTensor(new long[] {matrix.rows(), matrix.columns()}, matrix.data());
    }
}
