package io.github.safetyspaces.core.report.html;

import static io.github.safetyspaces.core.report.html.Html.escape;

import io.github.safetyspaces.core.io.AtomicFiles;
import io.github.safetyspaces.core.report.Verification;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the experiment report, {@code report/index.html}: the checks and expectations of the
 * {@code verify} goal, the fine-tuning loss curves, the projection sweep's reference models and plots of
 * utility and harmfulness against frac, the MSO of update subspaces against η, and the MSO of
 * activation subspaces per layer. Plots are inline SVG and styles inline CSS, and the page loads no
 * script, font or image, so it opens without network access. A section whose input is missing shows a
 * note instead. The page contains no time stamp, so the same results give the same bytes.
 */
public final class ExperimentReport {

    /** Folder of the report inside the experiment folder. */
    public static final String FOLDER = "report";

    /** File name of the report page. */
    public static final String FILE_NAME = "index.html";

    /** The report's style sheet, placed inline in the page. */
    public static final String STYLE = """
            .safety-report { font-family: sans-serif; color: #222222; max-width: 1400px; margin: 0 auto;
              padding: 0 16px 32px; line-height: 1.4; }
            .safety-report h1 { font-size: 24px; margin: 20px 0 4px; }
            .safety-report h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #cccccc; }
            .safety-report h3 { font-size: 15px; margin: 18px 0 6px; }
            .safety-report nav a { margin-right: 14px; }
            .safety-report table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
            .safety-report th, .safety-report td { border: 1px solid #d0d0d0; padding: 3px 8px; text-align: left;
              vertical-align: top; }
            .safety-report th { background: #f2f2f2; }
            .safety-report .panels { display: flex; flex-wrap: wrap; gap: 12px; }
            .safety-report figure.panel { margin: 0; border: 1px solid #e0e0e0; }
            .safety-report .note { color: #666666; font-style: italic; }
            .safety-report .pass { color: #1e7a34; font-weight: bold; }
            .safety-report .fail { color: #b3261e; font-weight: bold; }
            .safety-report ul.problems { font-family: monospace; font-size: 12px; }
            """;

    private ExperimentReport() {
    }

    /**
     * Renders the report's content as an HTML fragment, for the page or for a Maven site.
     *
     * @param title the heading, such as the experiment's name
     * @param verification the checks of the folder, which also names the folder read
     * @param linkFiles whether to link the result files, relative to the report folder
     * @return a {@code <div class="safety-report">} element
     */
    public static String body(String title, Verification verification, boolean linkFiles) {
        Path folder = verification.folder();
        List<Section> sections = List.of(ChecksSection.render(verification, linkFiles),
                TrainingSection.render(folder), ProjectionSection.render(folder), UpdateSpacesSection.render(folder),
                ActivationsSection.render(folder));
        StringBuilder html = new StringBuilder("<div class=\"safety-report\">\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        html.append("<p class=\"note\">Written by the verify goal from the result files of this experiment.</p>\n");
        html.append("<nav>");
        for (Section section : sections) {
            html.append("<a href=\"#").append(section.id()).append("\">").append(escape(section.title()))
                    .append("</a>");
        }
        html.append("</nav>\n");
        sections.forEach(section -> html.append(section.render()));
        return html.append("</div>\n").toString();
    }

    /**
     * Writes {@code report/index.html} into the experiment folder, replacing an older one.
     *
     * @param title the heading, such as the experiment's name
     * @param verification the checks of the folder
     * @return the page
     */
    public static Path write(String title, Verification verification) {
        String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
                + escape(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n"
                + body(title, verification, true) + "</body>\n</html>\n";
        Path folder = verification.folder().resolve(FOLDER);
        AtomicFiles.createDirectories(folder, "report folder");
        Path file = folder.resolve(FILE_NAME);
        AtomicFiles.writeString(file, page);
        return file;
    }
}
