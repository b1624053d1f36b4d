package io.github.safetyspaces.maven;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.maven.doxia.sink.impl.Xhtml5BaseSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportMojoTest {

    @TempDir
    Path folder;

    private ReportMojo report(Path results) throws ReflectiveOperationException {
        ReportMojo report = new ReportMojo();
        for (String[] setting : new String[][] {{"resultsDirectory", null}, {"experiment", "tiny"}}) {
            Field field = ReportMojo.class.getDeclaredField(setting[0]);
            field.setAccessible(true);
            field.set(report, setting[1] == null ? results.toFile() : setting[1]);
        }
        return report;
    }

    @Test
    void siteReportRendersTheSameContent() throws Exception {
        Path projection = folder.resolve("projection/projection.csv");
        Files.createDirectories(projection.getParent());
        Files.copy(Path.of(ReportMojoTest.class.getResource("tiny/projection/projection.csv").toURI()), projection);

        ReportMojo report = report(folder);
        assertTrue(report.canGenerateReport());
        StringWriter html = new StringWriter();
        report.generate(new Xhtml5BaseSink(html), Locale.ENGLISH);
        String page = html.toString();
        assertTrue(page.contains("<div class=\"safety-report\">"), page);
        assertTrue(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\""), "plots as raw SVG");
        assertTrue(page.contains(".safety-report figure.panel"), "inline style sheet");
        assertFalse(page.contains("<a href=\"../projection"), "no links to result files from the site");
    }

    @Test
    void missingResultsSkipTheReport() throws Exception {
        assertFalse(report(folder.resolve("absent")).canGenerateReport());
    }
}
