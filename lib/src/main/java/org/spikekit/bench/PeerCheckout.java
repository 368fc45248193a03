package org.spikekit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A user's checkout of an authors' repository for {@code make bench-peers} ({@link PeerBench}):
 * where it is under the {@code PEERS} folder and which commit it holds. Nothing is fetched; the
 * kit only reads the folder.
 *
 * <p>Layout: {@code PEERS/<name>} as {@code git clone} names it (e.g. {@code PEERS/Blocks}), or
 * {@code PEERS/<owner>/<name>}, or {@code PEERS/<owner>+<name>}; the first that exists is used.
 *
 * <p>Commit: from the checkout's git metadata ({@code .git/HEAD}, a branch resolved through the
 * loose ref or {@code packed-refs}; a {@code .git} file of a worktree or submodule is followed),
 * else from a file {@code .peer-commit} holding the id (for a {@code git archive} export), else
 * {@code unknown}.
 *
 * @param repo    {@code owner/name} on GitHub
 * @param dir     the checkout
 * @param commit  the commit id, or {@code unknown}
 */
public record PeerCheckout(String repo, Path dir, String commit) {
    static final String COMMIT_FILE = ".peer-commit";
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");

    /** {@code owner/name@commit} (12 digits of the id). */
    public String label() {
        return repo + "@" + (commit.equals("unknown") ? commit : commit.substring(0, Math.min(12, commit.length())));
    }

    /** The folders tried for {@code repo} under {@code peers}, in order. */
    static List<Path> candidates(Path peers, String repo) {
        int slash = repo.indexOf('/');
        if (slash <= 0 || slash == repo.length() - 1) throw new IllegalArgumentException("repo must be owner/name, got '" + repo + "'");
        String owner = repo.substring(0, slash), name = repo.substring(slash + 1);
        return List.of(peers.resolve(name), peers.resolve(owner).resolve(name), peers.resolve(owner + "+" + name));
    }

    /**
     * The checkout of {@code repo} under {@code peers}, or empty when none of the {@link #candidates}
     * is a folder.
     *
     * @param expected files the repository must hold (relative paths)
     * @throws IllegalArgumentException when the folder lacks one of {@code expected} (naming the
     *                                  folder, the repository and the missing files)
     */
    public static Optional<PeerCheckout> find(Path peers, String repo, List<String> expected) {
        for (Path d : candidates(peers, repo)) {
            if (!Files.isDirectory(d)) continue;
            List<String> missing = new ArrayList<>();
            for (String e : expected) if (!Files.exists(d.resolve(e))) missing.add(e);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(d + " does not look like a checkout of " + repo + ": missing "
                        + String.join(", ", missing));
            }
            return Optional.of(new PeerCheckout(repo, d, commit(d)));
        }
        return Optional.empty();
    }

    /** The commit the checkout holds (see the class comment), or {@code unknown}. */
    public static String commit(Path dir) {
        try {
            Path git = dir.resolve(".git");
            if (Files.isRegularFile(git)) {                      // worktree or submodule: "gitdir: <path>"
                String s = read(git);
                if (!s.startsWith("gitdir:")) throw new IllegalArgumentException(git + ": expected 'gitdir: <path>', got '" + s + "'");
                git = dir.resolve(s.substring("gitdir:".length()).trim()).normalize();
            }
            if (Files.isDirectory(git)) return fromGitDir(git);
            Path f = dir.resolve(COMMIT_FILE);
            if (Files.isRegularFile(f)) return sha(read(f), f);
            return "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the commit of " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String fromGitDir(Path git) throws IOException {
        String head = read(git.resolve("HEAD"));
        if (!head.startsWith("ref:")) return sha(head, git.resolve("HEAD"));
        String ref = head.substring(4).trim();
        Path common = git;
        if (Files.isRegularFile(git.resolve("commondir"))) common = git.resolve(read(git.resolve("commondir"))).normalize();
        for (Path base : List.of(git, common)) {
            Path loose = base.resolve(ref);
            if (Files.isRegularFile(loose)) return sha(read(loose), loose);
            Path packed = base.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    String[] w = line.trim().split(" ");
                    if (w.length == 2 && w[1].equals(ref)) return sha(w[0], packed);
                }
            }
        }
        return "unknown";
    }

    private static String read(Path f) throws IOException {
        return Files.readString(f, StandardCharsets.UTF_8).trim();
    }

    private static String sha(String s, Path from) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (!SHA.matcher(t).matches()) throw new IllegalArgumentException(from + ": expected a commit id (7 to 64 hex digits), got '" + s + "'");
        return t;
    }
}
