package io.github.safetyspaces.core.checkpoint;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safetensors weights of a Hugging Face model directory: either one {@code model.safetensors}
 * or shards listed by {@code model.safetensors.index.json}.
 *
 * <p>The index is a JSON object whose {@code weight_map} maps each tensor name to the file name of
 * the shard that stores it. Every shard is opened, and every mapped tensor is checked to exist in
 * its shard, when the checkpoint is opened, so that a missing or mismatched shard fails at once
 * rather than halfway through loading a model. Tensors that a shard has but the weight map does not
 * list are left out of {@link #names()}, with a warning.
 */
public final class ShardedCheckpoint implements TensorSource {

    /** File name of the shard index that Hugging Face writes next to sharded weights. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** File name of unsharded Hugging Face weights. */
    public static final String SINGLE_FILE = "model.safetensors";

    private static final Logger LOG = LoggerFactory.getLogger(ShardedCheckpoint.class);

    private final Path location;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> shardByTensor;

    private ShardedCheckpoint(Path location, List<SafetensorsFile> shards, Map<String, SafetensorsFile> shardByTensor) {
        this.location = location;
        this.shards = List.copyOf(shards);
        this.shardByTensor = Collections.unmodifiableMap(shardByTensor);
    }

    /**
     * Opens a checkpoint from a model directory, an index file or a single safetensors file.
     *
     * <p>A directory is read through {@value #INDEX_FILE} when it has one, otherwise through
     * {@value #SINGLE_FILE}. A file whose name ends in {@code .index.json} is read as an index
     * whose shards sit next to it; any other file is read as one safetensors file.
     *
     * @param directoryOrFile a model directory, an index file or a {@code .safetensors} file
     * @return the open checkpoint; close it to release the shard files
     * @throws UncheckedIOException if the path or an expected file does not exist or cannot be read
     * @throws SafetensorsFormatException if the index or a shard is invalid, a shard file name
     *     points outside the directory, or a shard lacks a tensor the index assigns to it
     */
    public static ShardedCheckpoint open(Path directoryOrFile) {
        if (Files.isDirectory(directoryOrFile)) {
            Path index = directoryOrFile.resolve(INDEX_FILE);
            if (Files.isRegularFile(index)) {
                return openIndexed(directoryOrFile, index);
            }
            Path single = directoryOrFile.resolve(SINGLE_FILE);
            if (Files.isRegularFile(single)) {
                return openSingle(single);
            }
            throw new UncheckedIOException("Checkpoint directory " + directoryOrFile + " has neither " + INDEX_FILE
                    + " nor " + SINGLE_FILE + " (safetensors files present: " + listSafetensors(directoryOrFile)
                    + "); pass a directory with Hugging Face safetensors weights or a .safetensors file.",
                    new NoSuchFileException(single.toString()));
        }
        if (Files.isRegularFile(directoryOrFile)) {
            String fileName = directoryOrFile.getFileName().toString();
            if (fileName.endsWith(".index.json")) {
                Path parent = directoryOrFile.toAbsolutePath().getParent();
                return openIndexed(parent, directoryOrFile);
            }
            return openSingle(directoryOrFile);
        }
        throw new UncheckedIOException("Checkpoint path " + directoryOrFile + " does not exist; pass a model"
                + " directory with " + SINGLE_FILE + " or " + INDEX_FILE + ", or a .safetensors file.",
                new NoSuchFileException(directoryOrFile.toString()));
    }

    private static ShardedCheckpoint openSingle(Path file) {
        SafetensorsFile single = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        for (String name : single.names()) {
            byTensor.put(name, single);
        }
        return new ShardedCheckpoint(file, List.of(single), byTensor);
    }

    private static ShardedCheckpoint openIndexed(Path directory, Path index) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> shardsByFileName = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                String tensor = entry.getKey();
                String shardName = entry.getValue();
                SafetensorsFile shard = shardsByFileName.get(shardName);
                if (shard == null) {
                    shard = SafetensorsFile.open(resolveShard(directory, index, tensor, shardName));
                    shardsByFileName.put(shardName, shard);
                }
                if (!shard.names().contains(tensor)) {
                    throw new SafetensorsFormatException(index, tensor, "weight_map assigns this tensor to shard "
                            + shard.file() + ", which has no tensor of that name (it has " + shard.names().size()
                            + " tensors); the index and the shards come from different checkpoints or a shard is"
                            + " incomplete");
                }
                byTensor.put(tensor, shard);
            }
            warnAboutUnmappedTensors(index, shardsByFileName.values(), weightMap);
            LOG.debug("Opened {}: {} tensors in {} shards", index, byTensor.size(), shardsByFileName.size());
            return new ShardedCheckpoint(index, new ArrayList<>(shardsByFileName.values()), byTensor);
        } catch (RuntimeException e) {
            for (SafetensorsFile shard : shardsByFileName.values()) {
                try {
                    shard.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e;
        }
    }

    /**
     * Resolves a shard file name from the index inside the checkpoint directory. The check is on
     * the path text, not on the real path, because a Hugging Face cache snapshot links each shard
     * to a blob outside the snapshot directory.
     */
    private static Path resolveShard(Path directory, Path index, String tensor, String shardName) {
        Path base = directory.toAbsolutePath().normalize();
        Path shard;
        try {
            shard = base.resolve(shardName).normalize();
        } catch (InvalidPathException e) {
            throw new SafetensorsFormatException(index, tensor, "shard file name '" + shardName
                    + "' is not a valid path: " + e.getMessage(), e);
        }
        if (shardName.isEmpty() || Path.of(shardName).isAbsolute() || !shard.startsWith(base) || shard.equals(base)) {
            throw new SafetensorsFormatException(index, tensor, "shard file name '" + shardName
                    + "' does not name a file inside the checkpoint directory " + base
                    + "; shards must be files inside the directory of the index");
        }
        if (!Files.isRegularFile(shard)) {
            throw new UncheckedIOException("Shard " + shard + " that " + index + " lists for tensor '" + tensor
                    + "' is missing; download every shard named in the index's weight_map.",
                    new NoSuchFileException(shard.toString()));
        }
        return shard;
    }

    private static Map<String, String> readWeightMap(Path index) {
        String json;
        try {
            json = Files.readString(index, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint index " + index + ": " + e, e);
        }

        Map<String, String> weightMap = null;
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new SafetensorsFormatException(index, "the index must be a JSON object with a weight_map");
            }
            reader.beginObject();
            while (reader.hasNext()) {
                String key = reader.nextName();
                if (!key.equals("weight_map")) {
                    // Hugging Face also writes "metadata" (with total_size); nothing here needs it.
                    reader.skipValue();
                } else if (weightMap != null) {
                    throw new SafetensorsFormatException(index, "the index has two weight_map keys");
                } else {
                    weightMap = readStringMap(index, reader);
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new SafetensorsFormatException(index, "the index has content after its closing brace");
            }
        } catch (IOException e) {
            throw new SafetensorsFormatException(index, null, "the index is not valid JSON: "
                    + SafetensorsHeader.describeJsonError(e), e);
        }
        if (weightMap == null) {
            throw new SafetensorsFormatException(index, "the index has no weight_map object");
        }
        return weightMap;
    }

    private static Map<String, String> readStringMap(Path index, JsonReader reader) throws IOException {
        if (reader.peek() != JsonToken.BEGIN_OBJECT) {
            throw new SafetensorsFormatException(index, "weight_map must be an object that maps tensor names to"
                    + " shard file names");
        }
        Map<String, String> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String tensor = reader.nextName();
            if (reader.peek() != JsonToken.STRING) {
                throw new SafetensorsFormatException(index, tensor, "the weight_map value must be a shard file"
                        + " name string");
            }
            if (map.put(tensor, reader.nextString()) != null) {
                throw new SafetensorsFormatException(index, tensor, "weight_map lists this tensor twice");
            }
        }
        reader.endObject();
        return map;
    }

    private static void warnAboutUnmappedTensors(Path index, Iterable<SafetensorsFile> shards,
            Map<String, String> weightMap) {
        for (SafetensorsFile shard : shards) {
            List<String> unmapped = new ArrayList<>();
            for (String name : shard.names()) {
                if (!weightMap.containsKey(name)) {
                    unmapped.add(name);
                }
            }
            if (!unmapped.isEmpty()) {
                LOG.warn("Shard {} has {} tensors that {} does not list, such as '{}'; they are ignored",
                        shard.file(), unmapped.size(), index, unmapped.get(0));
            }
        }
    }

    private static String listSafetensors(Path directory) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.safetensors")) {
            for (Path path : stream) {
                names.add(path.getFileName().toString());
            }
        } catch (IOException e) {
            return "unknown, listing failed: " + e;
        }
        Collections.sort(names);
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /**
     * Returns the index file or the single safetensors file this checkpoint was opened from.
     *
     * @return the path
     */
    public Path location() {
        return location;
    }

    /**
     * Returns the tensor names: the weight map's order for a sharded checkpoint, header order for a
     * single file.
     *
     * @return an unmodifiable set of names
     */
    @Override
    public Set<String> names() {
        return shardByTensor.keySet();
    }

    @Override
    public long[] shape(String name) {
        return shardOf(name).shape(name);
    }

    /**
     * Returns the header entry of a tensor, from its shard.
     *
     * @param name tensor name
     * @return dtype, shape and byte range; offsets are relative to the shard's data section
     * @throws IllegalArgumentException if there is no tensor of that name
     */
    public TensorInfo info(String name) {
        return shardOf(name).info(name);
    }

    /**
     * Returns the file that stores a tensor.
     *
     * @param name tensor name
     * @return the shard's path
     * @throws IllegalArgumentException if there is no tensor of that name
     */
    public Path shardFile(String name) {
        return shardOf(name).file();
    }

    /**
     * Returns the shard files, in the order the weight map first names them.
     *
     * @return the paths
     */
    public List<Path> shardFiles() {
        return shards.stream().map(SafetensorsFile::file).toList();
    }

    @Override
    public FloatTensor read(String name) {
        return shardOf(name).read(name);
    }

    /**
     * Reads an integer or boolean tensor as longs; see {@link SafetensorsFile#readLongs}.
     *
     * @param name tensor name
     * @return the values in row-major order
     */
    public long[] readLongs(String name) {
        return shardOf(name).readLongs(name);
    }

    /** Closes every shard, even when closing one fails. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (SafetensorsFile shard : shards) {
            try {
                shard.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "ShardedCheckpoint[" + location + ", " + shardByTensor.size() + " tensors in " + shards.size()
                + " files]";
    }

    private SafetensorsFile shardOf(String name) {
        SafetensorsFile shard = shardByTensor.get(name);
        if (shard == null) {
            throw new IllegalArgumentException("No tensor named '" + name + "' in checkpoint " + location + " (it has "
                    + shardByTensor.size() + " tensors); check the name against names().");
        }
        return shard;
    }
}
