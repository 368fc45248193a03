package org.spikekit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One peer harness ({@code env/peers/*.py}) running in a Python process, driven over the line
 * protocol of {@code env/peers/peerlib.py}: {@code setup} a case (the harness warms it up),
 * then {@code time} it once per call. Its stderr goes to ours (tracebacks, warnings).
 */
final class PeerProcess implements AutoCloseable {

    /** A peer that could not start, answered {@code error}, or broke the protocol. */
    static final class PeerException extends RuntimeException {
        PeerException(String message) { super(message); }
    }

    private final String name;
    private final Process process;
    private final BufferedReader in;
    private final Writer out;
    final String hello;

    private PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.hello = answer("hello", "start");
    }

    /** Starts {@code python script checkout threads} and waits for its {@code hello}. */
    static PeerProcess start(String python, Path script, String checkout, int threads) {
        String name = script.getFileName().toString();
        Process p;
        try {
            p = new ProcessBuilder(List.of(python, script.toString(), checkout, Integer.toString(threads)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new PeerException("cannot run PYTHON=" + python + " " + script + ": " + e.getMessage()
                    + " (Debian: make env-peers installs python3 with torch, numba, numpy; or set PYTHON=)");
        }
        return new PeerProcess(name, p);
    }

    /** Builds and warms up a case; returns what the harness says ran. */
    String setup(String caseLine) {
        send("setup " + caseLine);
        return answer("ready", "setup " + caseLine);
    }

    /** One timed run of the current case, in milliseconds. */
    double time() {
        send("time");
        return parseMs(answer("ms", "time"), name);
    }

    private void send(String line) {
        try {
            out.write(line + "\n");
            out.flush();
        } catch (IOException e) {
            throw new PeerException(name + " stopped listening before '" + line + "' (" + e.getMessage() + "); see its messages above");
        }
    }

    private String answer(String expected, String after) {
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            throw new PeerException(name + ": cannot read its answer to '" + after + "': " + e.getMessage());
        }
        if (line == null) {
            String code = "";
            try {
                if (process.waitFor(10, TimeUnit.SECONDS)) code = " (exit " + process.exitValue() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new PeerException(name + " ended" + code + " without answering '" + after + "'; see its traceback above"
                    + (expected.equals("hello") ? " (a missing module? Debian: make env-peers; or set PYTHON= to a Python with torch, numba, numpy)" : ""));
        }
        return parseAnswer(line, expected, name);
    }

    /** The text after {@code expected} in a protocol line; an {@code error} line or another word throws. */
    static String parseAnswer(String line, String expected, String name) {
        String word = line.contains(" ") ? line.substring(0, line.indexOf(' ')) : line;
        String rest = line.length() > word.length() ? line.substring(word.length() + 1).trim() : "";
        if (word.equals("error")) throw new PeerException(name + ": " + rest);
        if (!word.equals(expected)) {
            throw new PeerException(name + ": expected a '" + expected + " ...' line, got '" + line + "'");
        }
        return rest;
    }

    /** Milliseconds of an {@code ms} answer: a finite number > 0. */
    static double parseMs(String text, String name) {
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new PeerException(name + ": expected milliseconds after 'ms', got '" + text + "'");
        }
        if (!(v > 0) || !Double.isFinite(v)) throw new PeerException(name + ": milliseconds must be finite and > 0, got " + text);
        return v;
    }

    @Override
    public void close() {
        try {
            out.write("quit\n");
            out.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroy();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }
}
