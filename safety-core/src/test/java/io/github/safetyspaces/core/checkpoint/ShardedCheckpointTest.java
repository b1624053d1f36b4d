package io.github.safetyspaces.core.checkpoint;

import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.concat;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.f32;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.i64;
import static io.github.safetyspaces.core.checkpoint.SafetensorsBytes.u16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {

    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path root;

    /** Writes two shards by hand and returns the model directory, without an index yet. */
    private Path twoShards() throws IOException {
        Path model = Files.createDirectories(root.resolve("model"));
        SafetensorsBytes.write(model.resolve(SHARD_1), "{"
                + "\"model.embed_tokens.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"model.layers.0.mlp.up_proj.weight\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[16,20]}"
                + "}", concat(f32(1, 2, 3, 4), u16(0x3F80, 0xC000)));
        SafetensorsBytes.write(model.resolve(SHARD_2), "{"
                + "\"lm_head.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
                + "\"positions\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]}"
                + "}", concat(f32(-0.5f, 0.25f), i64(3, 4)));
        return model;
    }

    private static void writeIndex(Path model, String weightMapEntries) throws IOException {
        Files.writeString(model.resolve(ShardedCheckpoint.INDEX_FILE), "{\n"
                + "  \"metadata\": {\"total_size\": 44},\n"
                + "  \"weight_map\": {\n" + weightMapEntries + "\n  }\n}\n");
    }

    private static final String FULL_MAP = ""
            + "\"lm_head.weight\": \"" + SHARD_2 + "\",\n"
            + "\"model.embed_tokens.weight\": \"" + SHARD_1 + "\",\n"
            + "\"model.layers.0.mlp.up_proj.weight\": \"" + SHARD_1 + "\",\n"
            + "\"positions\": \"" + SHARD_2 + "\"";

    @Test
    void twoShardsReadThroughIndex() throws IOException {
        Path model = twoShards();
        writeIndex(model, FULL_MAP);
        try (ShardedCheckpoint checkpoint = ShardedCheckpoint.open(model)) {
            assertEquals(List.of("lm_head.weight", "model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight",
                    "positions"), List.copyOf(checkpoint.names()));
            assertArrayEquals(new float[] {1, 2, 3, 4}, checkpoint.read("model.embed_tokens.weight").data());
            assertArrayEquals(new long[] {2, 2}, checkpoint.shape("model.embed_tokens.weight"));
            assertArrayEquals(new float[] {1, -2}, checkpoint.read("model.layers.0.mlp.up_proj.weight").data());
            assertArrayEquals(new float[] {-0.5f, 0.25f}, checkpoint.read("lm_head.weight").data());
            assertArrayEquals(new long[] {3, 4}, checkpoint.readLongs("positions"));
            assertEquals(SafetensorsDType.BF16, checkpoint.info("model.layers.0.mlp.up_proj.weight").dtype());
            assertEquals(SHARD_2, checkpoint.shardFile("lm_head.weight").getFileName().toString());
            assertEquals(List.of(SHARD_2, SHARD_1),
                    checkpoint.shardFiles().stream().map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void indexFilePathOpensToo() throws IOException {
        Path model = twoShards();
        writeIndex(model, FULL_MAP);
        try (ShardedCheckpoint checkpoint = ShardedCheckpoint.open(model.resolve(ShardedCheckpoint.INDEX_FILE))) {
            assertEquals(4, checkpoint.names().size());
            assertArrayEquals(new float[] {-0.5f, 0.25f}, checkpoint.read("lm_head.weight").data());
        }
    }

    @Test
    void unlistedShardTensorsAreLeftOut() throws IOException {
        Path model = twoShards();
        writeIndex(model, "\"lm_head.weight\": \"" + SHARD_2 + "\"");
        try (ShardedCheckpoint checkpoint = ShardedCheckpoint.open(model)) {
            assertEquals(List.of("lm_head.weight"), List.copyOf(checkpoint.names()));
            assertThrows(IllegalArgumentException.class, () -> checkpoint.read("positions"));
        }
    }

    @Test
    void singleFileDirectory() throws IOException {
        Path model = Files.createDirectories(root.resolve("single"));
        SafetensorsBytes.write(model.resolve(ShardedCheckpoint.SINGLE_FILE),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32(5, 6));
        try (ShardedCheckpoint checkpoint = ShardedCheckpoint.open(model)) {
            assertEquals(List.of("w"), List.copyOf(checkpoint.names()));
            assertArrayEquals(new float[] {5, 6}, checkpoint.read("w").data());
        }
    }

    @Test
    void safetensorsFilePath() throws IOException {
        Path file = SafetensorsBytes.write(root.resolve("adapter.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(9));
        try (ShardedCheckpoint checkpoint = ShardedCheckpoint.open(file)) {
            assertArrayEquals(new float[] {9}, checkpoint.read("w").data());
            assertEquals(List.of(file), checkpoint.shardFiles());
        }
    }

    @Test
    void tensorMissingFromShard() throws IOException {
        Path model = twoShards();
        writeIndex(model, FULL_MAP + ",\n\"model.norm.weight\": \"" + SHARD_1 + "\"");
        Path index = model.resolve(ShardedCheckpoint.INDEX_FILE);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> ShardedCheckpoint.open(model));
        assertEquals(index, e.file());
        assertEquals(Optional.of("model.norm.weight"), e.tensor());
        assertTrue(e.getMessage().contains(index.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'model.norm.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains(SHARD_1), e.getMessage());
        assertTrue(e.getMessage().contains("no tensor of that name"), e.getMessage());
    }

    @Test
    void shardNameEscapingDirectory() throws IOException {
        Path model = twoShards();
        // The escaping target exists, so only the path check can reject it.
        SafetensorsBytes.write(root.resolve("outside.safetensors"),
                "{\"lm_head.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1));
        writeIndex(model, "\"lm_head.weight\": \"../outside.safetensors\"");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> ShardedCheckpoint.open(model));
        assertEquals(Optional.of("lm_head.weight"), e.tensor());
        assertTrue(e.getMessage().contains("'../outside.safetensors'"), e.getMessage());
        assertTrue(e.getMessage().contains("does not name a file inside the checkpoint directory"), e.getMessage());
    }

    @Test
    void absoluteShardNameRejected() throws IOException {
        Path model = twoShards();
        Path outside = SafetensorsBytes.write(root.resolve("outside.safetensors"),
                "{\"lm_head.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1));
        writeIndex(model, "\"lm_head.weight\": \"" + outside.toAbsolutePath() + "\"");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> ShardedCheckpoint.open(model));
        assertTrue(e.getMessage().contains("does not name a file inside the checkpoint directory"), e.getMessage());
    }

    @Test
    void missingShardFile() throws IOException {
        Path model = twoShards();
        Files.delete(model.resolve(SHARD_2));
        writeIndex(model, FULL_MAP);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ShardedCheckpoint.open(model));
        assertTrue(e.getMessage().contains(SHARD_2), e.getMessage());
        assertTrue(e.getMessage().contains("'lm_head.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void indexWithoutWeightMap() throws IOException {
        Path model = twoShards();
        Files.writeString(model.resolve(ShardedCheckpoint.INDEX_FILE), "{\"metadata\": {}}");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> ShardedCheckpoint.open(model));
        assertTrue(e.getMessage().contains("no weight_map"), e.getMessage());
    }

    @Test
    void indexWithNonStringShard() throws IOException {
        Path model = twoShards();
        writeIndex(model, "\"lm_head.weight\": 2");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> ShardedCheckpoint.open(model));
        assertEquals(Optional.of("lm_head.weight"), e.tensor());
        assertTrue(e.getMessage().contains("shard file name string"), e.getMessage());
    }

    @Test
    void directoryWithoutWeights() throws IOException {
        Path model = Files.createDirectories(root.resolve("empty-model"));
        Files.writeString(model.resolve("config.json"), "{}");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ShardedCheckpoint.open(model));
        assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(ShardedCheckpoint.INDEX_FILE), e.getMessage());
        assertTrue(e.getMessage().contains(ShardedCheckpoint.SINGLE_FILE), e.getMessage());
    }

    @Test
    void nonexistentPath() {
        Path missing = root.resolve("no-such-model");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ShardedCheckpoint.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void closeClosesShards() throws IOException {
        Path model = twoShards();
        writeIndex(model, FULL_MAP);
        ShardedCheckpoint checkpoint = ShardedCheckpoint.open(model);
        checkpoint.close();
        assertThrows(IllegalStateException.class, () -> checkpoint.read("lm_head.weight"));
        assertThrows(IllegalStateException.class, () -> checkpoint.read("model.embed_tokens.weight"));
    }
}
