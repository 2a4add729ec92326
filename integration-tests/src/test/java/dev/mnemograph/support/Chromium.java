package dev.mnemograph.support;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's Chromium for the browser tests ({@code apt-get install -y chromium}; .ci/run installs it). In CI
 * ({@code CI=true}) a missing browser fails the test; elsewhere the test is skipped and says why.
 */
public final class Chromium {
  private static final List<String> PLACES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

  private Chromium() {
  }

  public static Path require() {
    String configured = System.getenv("CHROMIUM");
    List<String> places = configured == null || configured.isBlank() ? PLACES : List.of(configured);
    for (String place : places) {
      Path p = Path.of(place);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String why = "No Chromium at " + String.join(" or ", places)
        + ": install it (apt-get install -y chromium) or set CHROMIUM to run the browser tests";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + " (CI must run them)");
    }
    Assumptions.abort(why);
    return null;
  }
}
