package org.spikekit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The commit a result was produced from. {@code commit} is "unknown" outside a git checkout or
 * without git installed; {@code dirty} says whether tracked files differed from the commit.
 */
public record GitInfo(String commit, boolean dirty) {

    public static GitInfo of(Path root) {
        String commit = run(root, List.of("git", "rev-parse", "HEAD"));
        if (commit == null || commit.isBlank()) return new GitInfo("unknown", false);
        String status = run(root, List.of("git", "status", "--porcelain", "--untracked-files=no"));
        return new GitInfo(commit.trim(), status != null && !status.isBlank());
    }

    private static String run(Path dir, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
