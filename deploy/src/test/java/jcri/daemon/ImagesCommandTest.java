package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImagesCommandTest {
    @Test
    void importTakesOneArchiveOrStandardInputOnTheDefaultSocket() {
        assertEquals(new ImagesCommand("import", "/run/jcri/jcri.sock", "a.tar", List.of()), ImagesCommand.parse(List.of("import", "a.tar")));
        assertEquals(new ImagesCommand("import", "/tmp/s.sock", "-", List.of()),
                ImagesCommand.parse(List.of("import", "--socket", "/tmp/s.sock", "-")));
    }

    @Test
    void exportTakesAnOutputAndImages() {
        assertEquals(new ImagesCommand("export", "/run/jcri/jcri.sock", "-", List.of("a:1", "sha256:ab12")),
                ImagesCommand.parse(List.of("export", "a:1", "-o", "-", "sha256:ab12")));
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        for (var args : List.of(List.<String>of(), List.of("load", "x"), List.of("import"), List.of("import", "a", "b"),
                List.of("import", "--force", "a"), List.of("export", "a:1"), List.of("export", "-o", "f"), List.of("export", "-o"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> ImagesCommand.parse(args), args.toString());
            assertTrue(e.getMessage().contains(ImagesCommand.USAGE), e.getMessage());
        }
    }
}
