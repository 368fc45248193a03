package org.spikekit.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Command line used by {@code make data}: {@code verify [root]} checks every file of
 * {@code data/manifest} under {@code data/raw/}, prints one line per file and exits 1 if a
 * present file is corrupt or truncated (missing files are fine: the synthetic stand-in is used).
 */
public final class DataCli {
    private DataCli() {}

    public static void main(String[] args) {
        if (args.length < 1 || !args[0].equals("verify")) {
            System.err.println("usage: DataCli verify [project-root]");
            System.exit(2);
        }
        Path root = Path.of(args.length > 1 ? args[1] : ".").toAbsolutePath().normalize();
        DataManifest m = DataManifest.read(root.resolve("data/manifest"));
        List<DataManifest.Status> st = m.check(root.resolve("data/raw"));
        int bad = 0;
        for (DataManifest.Status s : st) {
            String tag = switch (s.state()) {
                case OK -> "real ";
                case MISSING -> "absent";
                default -> "BAD  ";
            };
            if (s.state() != DataManifest.State.OK && s.state() != DataManifest.State.MISSING) bad++;
            System.out.printf("%s  %-28s %s%n", tag, s.entry().name(), s.message());
        }
        if (bad > 0) {
            System.err.println(bad + " data file(s) failed verification; see the lines marked BAD above");
            System.exit(1);
        }
    }
}
