package io.github.safetyspaces.core.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.safetyspaces.core.report.RowSelector;
import io.github.safetyspaces.core.report.TinyResults;
import io.github.safetyspaces.core.report.Verification;
import io.github.safetyspaces.core.report.expect.ColumnBound;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ExperimentReportTest {

    private static final Pattern SVG = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL);

    @TempDir
    Path folder;

    private static List<String> svgs(String html) {
        List<String> found = new ArrayList<>();
        Matcher matcher = SVG.matcher(html);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    private static String titleOf(Document svg) {
        return SvgDocuments.elements(svg, "title").get(0).getTextContent();
    }

    @Test
    void reportOfRealResultsHasEveryPanel() throws IOException {
        TinyResults.copyTo(folder);
        Path page = ExperimentReport.write("tiny-reproduction", Verification.run(folder, List.of()));
        assertEquals(folder.resolve("report/index.html"), page);
        String html = Files.readString(page);

        List<Document> plots = svgs(html).stream().map(SvgDocuments::parse).toList();
        List<String> titles = plots.stream().map(ExperimentReportTest::titleOf).toList();
        assertEquals(List.of("aligned: training loss", "harmful: training loss",
                "contaminated: utility_strict", "contaminated: utility_flexible", "contaminated: harmfulness",
                "harmful: utility_strict", "harmful: utility_flexible", "harmful: harmfulness",
                "useful: utility_strict", "useful: utility_flexible", "useful: harmfulness",
                "MSO per tensor", "MSO per layer",
                "aligned: useful-harmful", "harmful: useful-harmful"), titles);

        // Nine basis and method cells, and the unprojected fine-tune and aligned model as references.
        Document harm = plots.get(titles.indexOf("useful: harmfulness"));
        assertEquals(11, SvgDocuments.elements(harm, "polyline").size());
        // Six pairs of updates, each with its dashed baseline.
        Document layers = plots.get(titles.indexOf("MSO per layer"));
        List<Element> lines = SvgDocuments.elements(layers, "polyline");
        assertEquals(12, lines.size());
        assertEquals(6, lines.stream().filter(line -> line.getAttribute("stroke-dasharray").equals("6 4")).count());

        assertTrue(html.contains("<td>aligned</td><td>0.390000</td><td>0.390000</td><td>0.00000</td>"
                + "<td>1.00000</td>"), "the reference table lists the aligned model");
        assertTrue(html.contains("All checks passed."), html);
        // Training time from aligned/training.json; harmful has no record, so an empty cell.
        assertTrue(html.contains("<td>aligned</td><td>120</td><td>71129</td><td>10.8126154</td>"
                + "<td>0.189206749</td><td>14.254</td>"), "the training table shows the training seconds");
        assertTrue(html.contains("<td>harmful</td><td>100</td><td>97415</td><td>10.0501986</td><td>1.33770573</td>"
                + "<td></td>"), "the model without a training record has an empty time cell");
    }

    @Test
    void reportLoadsNothingFromOutside() throws IOException {
        TinyResults.copyTo(folder);
        String html = Files.readString(ExperimentReport.write("tiny", Verification.run(folder, List.of())));
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("<link"), "no linked style sheet or font");
        assertFalse(html.contains("<img"), "no image");
        assertFalse(html.contains("@import"), "no imported style sheet");
        assertFalse(html.contains("url("), "no style sheet resource");
        assertFalse(Pattern.compile("(src|href)=\"[a-z]+:").matcher(html).find(), "only relative links");
    }

    @Test
    void missingInputsGiveNotes() throws IOException {
        Files.createDirectories(folder.resolve("extra"));
        Files.writeString(folder.resolve("extra/other.csv"), "a,b\n1,2\n");
        String html = Files.readString(ExperimentReport.write("empty", Verification.run(folder, List.of())));
        assertEquals(List.of(), svgs(html));
        assertTrue(html.contains("No models/&lt;id&gt;/train-log.csv: the finetune goal did not run"), html);
        assertTrue(html.contains("No projection/projection.csv: the project goal did not run"), html);
        assertTrue(html.contains("No update-spaces/update-spaces-summary.csv: the update-spaces goal did not run"),
                html);
        assertTrue(html.contains("No activations/activations-&lt;model&gt;.csv: the activations goal did not run"),
                html);
        assertTrue(html.contains("<a href=\"../extra/other.csv\">extra/other.csv</a></td><td>1</td>"), html);
    }

    @Test
    void failuresShownInReport() throws IOException {
        TinyResults.copyTo(folder);
        Files.writeString(folder.resolve("extra.csv"), "name,value\n<b>,NaN\n");
        ColumnBound bound = new ColumnBound("aligned is useful", "projection/projection.csv",
                RowSelector.parse("finetune=aligned,basis=none"), "utility_strict", 0.9, null);
        String html = Files.readString(ExperimentReport.write("tiny", Verification.run(folder, List.of(bound))));
        assertTrue(html.contains("<p class=\"fail\">1 problem(s) in the result files and 1 failed expectation(s).</p>"),
                html);
        assertTrue(html.contains("<li>extra.csv line 2, column 2 (value), value &quot;NaN&quot;: not a finite"), html);
        assertTrue(html.contains("utility_strict is 0.390000, below the minimum 0.9."), html);
        assertFalse(html.contains("<b>"), "cell text is escaped");
    }

    @Test
    void sameResultsGiveSameBytes() throws IOException {
        TinyResults.copyTo(folder);
        byte[] first = Files.readAllBytes(ExperimentReport.write("tiny", Verification.run(folder, List.of())));
        byte[] second = Files.readAllBytes(ExperimentReport.write("tiny", Verification.run(folder, List.of())));
        assertTrue(java.util.Arrays.equals(first, second));
    }
}
