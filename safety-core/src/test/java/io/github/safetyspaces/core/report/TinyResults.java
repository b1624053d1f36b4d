package io.github.safetyspaces.core.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies the result files of a real run of the tiny-reproduction experiment (stories260K), trimmed to a
 * few rows per file, into a test folder. The files are test resources under {@code report/tiny}.
 */
public final class TinyResults {

    private TinyResults() {
    }

    /**
     * Copies the files.
     *
     * @param target the experiment folder to fill
     * @return the target
     */
    public static Path copyTo(Path target) {
        URL resource = TinyResults.class.getResource("tiny");
        if (resource == null) {
            throw new IllegalStateException("The test resource folder io/github/safetyspaces/core/report/tiny is"
                    + " missing from the test classpath.");
        }
        try {
            Path source = Path.of(resource.toURI());
            List<Path> files;
            try (Stream<Path> walk = Files.walk(source)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path file : files) {
                Path copy = target.resolve(source.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
