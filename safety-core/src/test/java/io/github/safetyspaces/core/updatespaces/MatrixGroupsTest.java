package io.github.safetyspaces.core.updatespaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatrixGroupsTest {

    /** Llama-like shapes in lexicographic order, as a sorted safetensors header lists them: 10 before 2. */
    private static Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("lm_head.weight", new long[] {32, 8});
        shapes.put("model.embed_tokens.weight", new long[] {32, 8});
        for (int layer : new int[] {10, 2}) {
            String prefix = "model.layers." + layer + ".";
            shapes.put(prefix + "input_layernorm.weight", new long[] {8});
            shapes.put(prefix + "mlp.down_proj.weight", new long[] {8, 20});
            shapes.put(prefix + "mlp.gate_proj.weight", new long[] {20, 8});
            shapes.put(prefix + "post_attention_layernorm.weight", new long[] {8});
            shapes.put(prefix + "self_attn.k_proj.weight", new long[] {4, 8});
            shapes.put(prefix + "self_attn.q_proj.weight", new long[] {8, 8});
        }
        shapes.put("model.norm.weight", new long[] {8});
        return shapes;
    }

    @Test
    void tensorGroupsReshapeEachTensor() {
        Map<String, long[]> shapes = shapes();
        shapes.put("model.layers.2.conv.weight", new long[] {3, 4, 5});
        shapes.put("model.layers.2.scale", new long[] {});

        List<MatrixGroup> groups = MatrixGroups.partition(shapes, Granularity.TENSOR);

        assertEquals(shapes.size() - 1, groups.size(), "every tensor but the scalar");
        Map<String, MatrixGroup> byName = new LinkedHashMap<>();
        groups.forEach(group -> byName.put(group.name(), group));
        MatrixGroup norm = byName.get("model.layers.10.input_layernorm.weight");
        assertEquals(8, norm.rows());
        assertEquals(1, norm.columns(), "a 1-D tensor is an n x 1 matrix");
        assertEquals(10, norm.layer());
        MatrixGroup conv = byName.get("model.layers.2.conv.weight");
        assertEquals(3, conv.rows());
        assertEquals(20, conv.columns(), "trailing dimensions are flattened");
        assertEquals(-1, byName.get("lm_head.weight").layer());
        assertEquals(-1, byName.get("model.embed_tokens.weight").layer());
        assertEquals(List.of("model.layers.2.self_attn.q_proj.weight"),
                byName.get("model.layers.2.self_attn.q_proj.weight").tensors());
        assertEquals("model.layers.2.self_attn.q_proj.weight",
                byName.get("model.layers.2.self_attn.q_proj.weight").cacheEntry(), "shared with the project goal");
    }

    @Test
    void layerGroupsStackByColumnCount() {
        List<MatrixGroup> groups = MatrixGroups.partition(shapes(), Granularity.LAYER);

        assertEquals(List.of("model.layers.2[n=1]", "model.layers.2[n=20]", "model.layers.2[n=8]",
                "model.layers.10[n=1]", "model.layers.10[n=20]", "model.layers.10[n=8]"),
                groups.stream().map(MatrixGroup::name).toList(), "numeric layer order, then first appearance");
        MatrixGroup hidden = groups.get(2);
        assertEquals(2, hidden.layer());
        assertEquals(List.of("model.layers.2.mlp.gate_proj.weight", "model.layers.2.self_attn.k_proj.weight",
                "model.layers.2.self_attn.q_proj.weight"), hidden.tensors());
        assertEquals(20 + 4 + 8, hidden.rows());
        assertEquals(8, hidden.columns());
        MatrixGroup norms = groups.get(0);
        assertEquals(List.of("model.layers.2.input_layernorm.weight", "model.layers.2.post_attention_layernorm.weight"),
                norms.tensors());
        assertEquals(16, norms.rows());
        MatrixGroup down = groups.get(1);
        assertEquals(8, down.rows());
        assertEquals(20, down.columns(), "the down projection is not transposed");
        assertTrue(groups.stream().noneMatch(group -> group.tensors().contains("lm_head.weight")));
        assertTrue(groups.stream().noneMatch(group -> group.tensors().contains("model.norm.weight")));
        assertEquals("layer-groups/layer-10-n8", groups.get(5).cacheEntry());
        assertEquals("model.layers.2.mlp.down_proj.weight", down.cacheEntry(), "one tensor: the tensor's entry");
    }

    @Test
    void layerIndexIsParsedNotSplit() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.layers.3.self_attn.q_proj.weight", new long[] {4, 4});
        shapes.put("model.layers_extra.3.weight", new long[] {4, 4});
        shapes.put("model.embed_tokens.weight", new long[] {4, 4});

        List<MatrixGroup> groups = MatrixGroups.partition(shapes, Granularity.LAYER);

        assertEquals(1, groups.size(), groups.toString());
        assertEquals(3, groups.get(0).layer());
        assertEquals(List.of("model.layers.3.self_attn.q_proj.weight"), groups.get(0).tensors());
    }

    @Test
    void oversizedMatrixRejectedWithShape() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.layers.0.mlp.up_proj.weight", new long[] {70_000, 40_000});

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> MatrixGroups.partition(shapes, Granularity.TENSOR));

        assertTrue(error.getMessage().contains("70000 x 40000"), error.getMessage());
    }

    @Test
    void granularityParsesNamesAndRejectsOthers() {
        assertEquals(Granularity.LAYER, Granularity.parse(" Layer "));
        assertEquals("tensor", Granularity.TENSOR.label());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Granularity.parse("block"));
        assertTrue(error.getMessage().contains("'block'"), error.getMessage());
    }
}
