package io.github.safetyspaces.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 digests of files and checkpoint directories, as lower-case hex, for recording exactly
 * which inputs produced a result.
 */
public final class Sha256 {

    private static final int BUFFER_BYTES = 1 << 20;

    private Sha256() {
    }

    /**
     * Hashes a file's bytes.
     *
     * @param file the file
     * @return 64 hex digits
     * @throws UncheckedIOException naming the file when it cannot be read
     */
    public static String ofFile(Path file) {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            while (in.read(buffer) >= 0) {
                // DigestInputStream updates the digest as it reads.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + " to hash it: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Hashes a file, or every regular file of a directory tree: the digest of the lines
     * {@code <relative path> <file digest>} in sorted path order, so renaming, adding or changing
     * any file changes it.
     *
     * @param path a file or a directory
     * @return 64 hex digits
     */
    public static String ofPath(Path path) {
        if (!Files.isDirectory(path)) {
            return ofFile(path);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + path + " to hash it: " + e.getMessage(), e);
        }
        StringBuilder listing = new StringBuilder();
        for (Path file : files) {
            listing.append(path.relativize(file).toString().replace('\\', '/')).append(' ')
                    .append(ofFile(file)).append('\n');
        }
        return ofText(listing.toString());
    }

    /**
     * Hashes a text as UTF-8.
     *
     * @param text the text
     * @return 64 hex digits
     */
    public static String ofText(String text) {
        return HexFormat.of().formatHex(newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java 17 runtime must provide.", e);
        }
    }
}
